import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { gate } from '../../src/pipeline.js';
import { goSumPackages, npmLockPackages, parseUnifiedDiff } from '../../src/policy/diff-base.js';
import { toBaselineLog } from '../../src/policy/baseline.js';
import { runCli } from '../helpers/cli.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { codeRun, config, NOW, vulnRun } from './build.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'policy');

describe('baseline states', () => {
  const before = () => [
    vulnRun('grype', 'sca', [{ id: 'CVE-1', pkg: 'a', version: '1', severity: 'high' }, { id: 'CVE-2', pkg: 'b', version: '1', severity: 'high' }]),
    codeRun('Semgrep OSS', [{ rule: 'js.eval', file: 'src/a.js', line: 3, severity: 'high', message: 'eval' }]),
  ];
  const baseline = (): Log => toBaselineLog(gate({ runs: before(), config: config(''), now: NOW }).log);

  it('new / unchanged / updated by fingerprint; gone results are appended as absent and reported as fixed', () => {
    const after = [
      vulnRun('grype', 'sca', [{ id: 'CVE-1', pkg: 'a', version: '1', severity: 'high' }, { id: 'CVE-3', pkg: 'c', version: '1', severity: 'high' }]),
      // same rule, file and message: same fingerprint; it moved to line 9 → updated
      codeRun('Semgrep OSS', [{ rule: 'js.eval', file: 'src/a.js', line: 9, severity: 'high', message: 'eval' }]),
    ];
    const { log, verdict } = gate({ runs: after, config: config('policy: { fail_on: [ { severity: high, new: true } ], warn_on: [ { severity: high, new: false } ] }'), now: NOW, baseline: { log: baseline(), label: 'main.sarif' } });
    const states = log.runs.flatMap((r) => (r.results ?? []).map((x) => `${x.ruleId}:${x.baselineState}`)).sort();
    expect(states).toEqual(['CVE-1:unchanged', 'CVE-2:absent', 'CVE-3:new', 'js.eval:updated']);
    expect(verdict.baseline).toMatchObject({ against: 'baseline main.sarif', counts: { new: 1, unchanged: 1, updated: 1, absent: 1 }, fixed: [{ ruleId: 'CVE-2' }] });
    expect(verdict.reasons).toMatchObject([{ count: 1, findings: [{ ruleId: 'CVE-3', baselineState: 'new' }] }]);
    // the absent result never counts, not even under "existing"
    expect(verdict.warnings[0]).toMatchObject({ code: 'threshold-warning', count: 2 });
    expect(verdict.summary.distinctTotal).toBe(3);
    expect(sarifProblems(log)).toEqual([]);
  });

  it('a tool that did not run this time fixed nothing: its baseline results are not appended', () => {
    const { log, verdict } = gate({ runs: [before()[1]!], config: config(''), now: NOW, baseline: { log: baseline(), label: 'b' } });
    expect(verdict.baseline!.counts.absent).toBe(0);
    expect(log.runs.map((r) => r.tool.driver.name)).toEqual(['Semgrep OSS']);
  });

  it('without any baseline, new: true counts every finding and says so', () => {
    const v = gate({ runs: before(), config: config('extends: new-code-only'), now: NOW }).verdict;
    expect(v.status).toBe('fail');
    expect(v.warnings.map((w) => w.code)).toContain('no-baseline');
  });
});

describe('secgate baseline, then check --baseline (CLI)', () => {
  it('writes a verdict-free baseline; the same reports against it are all unchanged and pass new-code-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-bl-'));
    const b = await runCli(['baseline', join(FIX, 'grype-npm.json'), join(FIX, 'semgrep.sarif'), '-o', 'base.sarif'], { cwd: dir });
    expect(b.code).toBe(0);
    const base = JSON.parse(readFileSync(join(dir, 'base.sarif'), 'utf8')) as Log;
    expect(base.properties?.['secgate']).toBeUndefined();
    expect(sarifProblems(base)).toEqual([]);
    writeFileSync(join(dir, 'secgate.yml'), 'extends: new-code-only\n');
    const c = await runCli(['check', join(FIX, 'grype-npm.json'), join(FIX, 'semgrep.sarif'), '--baseline', 'base.sarif', '--sarif', 'out.sarif'], { cwd: dir });
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('Compared with baseline base.sarif: 0 new, 4 unchanged, 0 updated, 0 fixed');
  });

  it('an unreadable baseline is exit 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-bl-'));
    writeFileSync(join(dir, 'bad.sarif'), '{"version":"2.0.0"}');
    const c = await runCli(['check', join(FIX, 'grype-npm.json'), '--baseline', 'bad.sarif', '--sarif', 'out.sarif'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr.trim().split('\n')).toEqual(['secgate: error: bad.sarif: not a SARIF 2.1.0 log — pass a log written by `secgate check` or `secgate baseline`']);
  });
});

describe('--diff-base on a real git repository', () => {
  const lock = (deps: Record<string, string>) =>
    JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0', dependencies: deps }, ...Object.fromEntries(Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz`, license: 'MIT' }])) } }, null, 2);

  it('SAST findings on changed lines and findings on packages changed in package-lock.json are new; the rest are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-diff-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).toString();
    git('init', '-q', '-b', 'main');
    execFileSync('mkdir', ['-p', join(dir, 'src')]);
    writeFileSync(join(dir, 'src/app.js'), 'const x = 1;\neval(input);\nconsole.log(x);\n');
    writeFileSync(join(dir, 'package-lock.json'), lock({ lodash: '4.17.20' }));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'feature');
    writeFileSync(join(dir, 'src/app.js'), 'const x = 1;\neval(input);\nconsole.log(x);\n// new\neval(other);\n');
    writeFileSync(join(dir, 'package-lock.json'), lock({ lodash: '4.17.20', minimist: '1.2.5' }));
    git('commit', '-q', '-am', 'feature');
    copyFileSync(join(FIX, 'semgrep.sarif'), join(dir, 'semgrep.sarif'));
    copyFileSync(join(FIX, 'grype-npm.json'), join(dir, 'grype.json'));
    writeFileSync(join(dir, 'secgate.yml'), 'policy:\n  fail_on: [ { severity: high, new: true } ]\n');

    const r = await runCli(['check', 'grype.json', 'semgrep.sarif', '--diff-base', 'main', '--sarif', 'out.sarif', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    const tripped = verdict.reasons[0].findings.map((f: { ruleId: string; line?: number; package?: string }) => `${f.ruleId}${f.line ? `:${f.line}` : ''}${f.package ? ` ${f.package}` : ''}`).sort();
    expect(tripped).toEqual(['GHSA-xvch-5gv4-984h minimist@1.2.5', 'javascript.lang.security.detect-eval-with-expression:5']);
    expect(verdict.baseline.counts).toMatchObject({ new: 2, unchanged: 2 });

    // the same against the feature branch itself: nothing is new…
    const same = await runCli(['check', 'grype.json', 'semgrep.sarif', '--diff-base', 'HEAD', '--sarif', 'out.sarif'], { cwd: dir });
    expect(same.code).toBe(0);
    // …except in a file git does not track yet (ls-files runs in the working directory: paths as findings name them)
    const sarif = readFileSync(join(dir, 'semgrep.sarif'), 'utf8').replaceAll('src/app.js', 'src/new.js');
    writeFileSync(join(dir, 'semgrep-new.sarif'), sarif);
    writeFileSync(join(dir, 'src/new.js'), 'eval(a);\n');
    const untracked = await runCli(['check', 'grype.json', 'semgrep-new.sarif', '--diff-base', 'HEAD', '--sarif', 'out.sarif', '--json'], { cwd: dir });
    expect(untracked.code).toBe(1);
    expect(JSON.parse(untracked.stdout).reasons[0].count).toBe(2);
    // an unknown ref is exit 2, saying what to do
    const bad = await runCli(['check', 'grype.json', '--diff-base', 'origin/nope', '--sarif', 'out.sarif'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--diff-base origin\/nope: not a commit .* — fetch it first/);
  });

  it('parses git diff --unified=0: the + side of each hunk, deletions add nothing, deleted files none', () => {
    const diff = [
      'diff --git a/src/a.js b/src/a.js',
      '--- a/src/a.js',
      '+++ b/src/a.js',
      '@@ -2 +2 @@ x',
      '@@ -10,0 +11,3 @@',
      '@@ -20,2 +23,0 @@',
      'diff --git a/gone.js b/gone.js',
      '--- a/gone.js',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
      'diff --git "a/caf\\303\\251.js" "b/caf\\303\\251.js"',
      '--- "a/caf\\303\\251.js"',
      '+++ "b/caf\\303\\251.js"',
      '@@ -0,0 +1 @@',
    ].join('\n');
    const m = parseUnifiedDiff(diff);
    expect([...m.keys()]).toEqual(['src/a.js', 'café.js']);
    expect([...m.get('src/a.js')!]).toEqual([2, 11, 12, 13]);
  });

  it('reads go.sum: module versions, not the /go.mod-only lines', () => {
    const sum = 'github.com/Foo/bar v1.2.3 h1:abc=\ngithub.com/Foo/bar v1.2.3/go.mod h1:def=\ngolang.org/x/net v0.17.0/go.mod h1:x=\n';
    expect([...goSumPackages(sum)]).toEqual(['pkg:golang/github.com/foo/bar@v1.2.3', 'pkg:golang/github.com/foo/bar@1.2.3']);
  });

  it('reads package-lock.json v1 (nested dependencies) and v3 (packages)', () => {
    expect([...npmLockPackages(JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { '@s/b': { version: '2.0.0' } } } } }))].sort()).toEqual(['pkg:npm/@s/b@2.0.0', 'pkg:npm/a@1.0.0']);
    expect([...npmLockPackages(JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, 'node_modules/a/node_modules/B': { version: '1.0.0' }, 'packages/ws': { link: true } } }))]).toEqual(['pkg:npm/b@1.0.0']);
    expect(npmLockPackages('not json').size).toBe(0);
  });
});
