import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { readVerdict } from '../../src/policy/verdict.js';
import { runCli } from '../helpers/cli.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusPath } from '../helpers/corpus.js';

/**
 * Scenario directories: a small secgate.yml (and waiver, ignore or VEX files), the shared reports,
 * and scenario.json with the expected exit code, reasons (by rule), warning codes and output lines.
 */
const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'policy');
const SCENARIOS = join(ROOT, 'scenarios');
const SHARED_REPORTS = ['grype-npm.json', 'semgrep.sarif'];

interface Scenario {
  about: string;
  args: string[];
  code: number;
  reasons?: string[];
  warnings?: string[];
  stdout?: string[];
  notStdout?: string[];
  stderr?: string[];
}

describe.each(readdirSync(SCENARIOS).sort())('scenario %s', (name) => {
  const scenario = JSON.parse(readFileSync(join(SCENARIOS, name, 'scenario.json'), 'utf8')) as Scenario;
  it(scenario.about, async () => {
    const dir = mkdtempSync(join(tmpdir(), `secgate-${name}-`));
    for (const f of SHARED_REPORTS) copyFileSync(join(ROOT, f), join(dir, f));
    for (const f of readdirSync(join(SCENARIOS, name))) if (f !== 'scenario.json') copyFileSync(join(SCENARIOS, name, f), join(dir, f));
    const r = await runCli([...scenario.args, '--sarif', 'out.sarif'], { cwd: dir });
    expect(r.code, r.stderr).toBe(scenario.code);
    for (const s of scenario.stdout ?? []) expect(r.stdout).toContain(s);
    for (const s of scenario.notStdout ?? []) expect(r.stdout).not.toContain(s);
    if (scenario.stderr) expect(r.stderr.trim().split('\n')).toEqual(scenario.stderr);
    const out = join(dir, 'out.sarif');
    if (scenario.code === 2 && scenario.stderr) {
      expect(existsSync(out)).toBe(false);
      return;
    }
    const log = JSON.parse(readFileSync(out, 'utf8')) as Log;
    expect(sarifProblems(log)).toEqual([]);
    const verdict = readVerdict(log)!;
    expect(verdict.status).toBe(['pass', 'fail', 'error'][scenario.code]);
    if (scenario.reasons) expect(verdict.reasons.map((x) => x.rule)).toEqual(scenario.reasons);
    if (scenario.warnings) expect(verdict.warnings.map((x) => x.code).sort()).toEqual([...scenario.warnings].sort());
  });
});

describe('secgate explain', () => {
  it('reads the verdict embedded by check: each violated rule with the findings that tripped it, location and fix version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-explain-'));
    for (const f of SHARED_REPORTS) copyFileSync(join(ROOT, f), join(dir, f));
    await runCli(['check', 'grype-npm.json', 'semgrep.sarif', '--sarif', 'secgate.sarif'], { cwd: dir });
    const r = await runCli(['explain'], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('FAIL — 1 policy rule violated');
    expect(r.stdout).toContain('Why it fails:');
    expect(r.stdout).toContain('fail_on[0]: severity ≥ high: 4 distinct findings with severity ≥ high (allowed: 0)');
    expect(lines.find((l) => l.includes('GHSA-xvch-5gv4-984h'))).toMatch(/critical +GHSA-xvch-5gv4-984h in minimist@1\.2\.5 \[grype\] at package-lock\.json → fix: 1\.2\.6/);
    expect(lines.find((l) => l.includes('(new code)') || l.includes('src/app.js:5'))).toContain('src/app.js:5');
  });

  it('for a passing build: what was waived, expires soon, and is stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-explain-'));
    for (const f of SHARED_REPORTS) copyFileSync(join(ROOT, f), join(dir, f));
    copyFileSync(join(SCENARIOS, 'waived-pass', 'secgate.yml'), join(dir, 'secgate.yml'));
    await runCli(['check', 'grype-npm.json', '--sarif', 'secgate.sarif'], { cwd: dir });
    const r = await runCli(['explain'], { cwd: dir });
    expect(r.stdout.split('\n')[0]).toBe('PASS — the policy holds');
    expect(r.stdout).toContain('Waivers expiring soon (1):\n  ! secgate.yml waivers[1]: id GHSA-xvch-5gv4-984h, package pkg:npm/minimist, version <1.2.6 — "CLI-only dependency, not shipped" — expires 2026-12-01 (in 9 days), waives 1');
    expect(r.stdout).toContain('Stale waivers (matched nothing: remove them) (1):\n  ? secgate.yml waivers[2]: id CVE-2019-10744');
    expect(r.stdout).toContain('Waived (1):');
  });

  it('--top limits the findings listed; a log without a verdict is exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-explain-'));
    for (const f of SHARED_REPORTS) copyFileSync(join(ROOT, f), join(dir, f));
    await runCli(['check', 'grype-npm.json', 'semgrep.sarif', '--sarif', 'secgate.sarif'], { cwd: dir });
    const r = await runCli(['explain', 'secgate.sarif', '--top', '1'], { cwd: dir });
    expect(r.stdout).toContain('… and 3 more');
    const none = await runCli(['explain', 'semgrep.sarif'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/semgrep.sarif: carries no secgate verdict/);
  });

  it('hostile text from a report cannot drive the terminal', async () => {
    const { renderExplain } = await import('../../src/policy/explain.js');
    const out = renderExplain({
      status: 'fail',
      reasons: [{ code: 'threshold', rule: 'fail_on[0]', message: 'x', count: 1, findings: [{ tool: 'evil\u001b[31m', ruleId: 'R\u001b]8;;http://x\u0007', severity: 'high', message: 'm', location: 'a\nb.js' }] }],
      warnings: [],
      summary: { tools: [], total: { critical: 0, high: 1, medium: 0, low: 0, info: 0 }, distinct: { critical: 0, high: 1, medium: 0, low: 0, info: 0 }, distinctTotal: 1, suppressed: 0, sharedAcrossTools: 0 },
    });
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out.split('\n').filter((l) => l.includes('a⏎b.js'))).toHaveLength(1);
  });
});

describe.skipIf(!HAVE_CORPUS)(`a real Grype report (corpus) under a policy${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('13 distinct criticals; .grype.yaml ignores one, a secgate waiver two more: 10 remain, each waiver accounted for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-corpus-'));
    copyFileSync(corpusPath('grype/mitre/anchore_grype.json'), join(dir, 'grype.json'));
    writeFileSync(join(dir, 'secgate.yml'), 'policy:\n  fail_on: [ { severity: critical } ]\n  require: { kinds: [container] }\nwaivers:\n  - { id: "CVE-2022-*", package: "pkg:apk/alpine/libcrypto1.1@*", reason: "FIPS module not loaded", expires: 2027-01-31 }\n');
    writeFileSync(join(dir, '.grype.yaml'), 'ignore:\n  - vulnerability: CVE-2021-3711\n    package:\n      name: libssl1.1\n    reason: "SM2 decryption is not used"\n');
    const r = await runCli(['check', 'grype.json', '--sarif', 'out.sarif', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0].count).toBe(10);
    const tripped = v.reasons[0].findings.map((f: { ruleId: string; package: string }) => `${f.ruleId} ${f.package}`);
    expect(tripped).not.toContain('CVE-2021-3711 libssl1.1@1.1.1d-r3');
    expect(tripped).toContain('CVE-2021-3711 libcrypto1.1@1.1.1d-r3');
    expect(v.waivers.map((w: { origin: string; state: string; matched: number }) => [w.origin, w.state, w.matched])).toEqual([
      // six CVE-2022 findings on libcrypto1.1 in that report (two critical, two high, two medium)
      ['secgate.yml waivers[0]', 'active', 6],
      ['.grype.yaml ignore[0]', 'no-expiry', 1],
    ]);
  });
});
