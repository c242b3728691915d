import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { VERSION } from '../../src/version.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const GRYPE = join(FIXTURES, 'grype.json');
const TRIVY = join(FIXTURES, 'trivy.json');
const SEMGREP = join(FIXTURES, 'semgrep.sarif');
const ESC = '\u001b[';
/** A clean working directory: no secgate.yml, and the SARIF log lands here. */
const workdir = () => mkdtempSync(join(tmpdir(), 'secgate-cli-'));
// Outside GitHub Actions/GitLab, whatever the machine running the tests is.
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ NO_COLOR: '1', ...extra });

describe('secgate check: output options', () => {
  it('--json: the verdict as JSON on stdout, the table on stderr', async () => {
    const cwd = workdir();
    const r = await runCli(['check', GRYPE, TRIVY, SEMGREP, '--json'], { cwd, env: env() });
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout) as { status: string; exitCode: number; sarif: string; reasons: { rule?: string }[] };
    expect(verdict).toMatchObject({ status: 'fail', exitCode: 1, sarif: 'secgate.sarif' });
    expect(verdict.reasons.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/tool\s+critical\s+high\s+medium\s+low\s+info/);
    expect(existsSync(join(cwd, 'secgate.sarif'))).toBe(true);
  });

  it('--quiet: the verdict line only', async () => {
    const r = await runCli(['check', GRYPE, '--quiet'], { cwd: workdir(), env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^FAIL — /)]);
  });

  it('no escape codes with NO_COLOR or --no-color, even when colour is forced', async () => {
    const cwd = workdir();
    // (runCli sets NO_COLOR=1 unless told otherwise; an empty NO_COLOR counts as unset)
    const forced = await runCli(['check', GRYPE], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toContain(ESC); // the control: colour does reach the output when asked for
    const noColor = await runCli(['check', GRYPE], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain(ESC);
    const flag = await runCli(['check', GRYPE, '--no-color'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(flag.stdout).not.toContain(ESC);
    const json = await runCli(['check', GRYPE, '--json', '--no-color'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(json.stdout + json.stderr).not.toContain(ESC);
  });

  it('--format id forces every report; id:path forces one and adds it', async () => {
    const cwd = workdir();
    const wrong = await runCli(['check', TRIVY, '--format', 'grype'], { cwd, env: env() });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/trivy\.json( \(\$\.matches\))?: (does not look like|is not) Grype JSON/);
    const txt = join(cwd, 'scan-output.txt');
    writeFileSync(txt, readFileSync(TRIVY));
    const one = await runCli(['check', GRYPE, '--format', `trivy:${txt}`, '--sarif', 'out.sarif'], { cwd, env: env() });
    expect(one.code).toBe(1);
    const log = JSON.parse(readFileSync(join(cwd, 'out.sarif'), 'utf8')) as { runs: { tool: { driver: { name: string } } }[] };
    expect(log.runs.map((x) => x.tool.driver.name)).toEqual(['grype', 'trivy']);
    const unknown = await runCli(['check', GRYPE, '--format', 'nessus'], { cwd, env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--format nessus: unknown format "nessus" — use one of: .*grype.*trivy.*sarif/);
  });

  it('--version, and --help with examples and exit codes', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(VERSION);
    const h = await runCli(['check', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Examples:\n\s+\$ secgate check grype\.json trivy\.json semgrep\.sarif/);
    expect(h.stdout).toMatch(/Exit codes: 0 pass · 1 policy violated · 2 no verdict possible/);
  });
});

describe('secgate check: unreadable reports end with exit 2, one line naming the file, and no SARIF written', () => {
  const cases: [string, string | null, RegExp][] = [
    ['empty.json', '', /empty\.json: the file is empty — /],
    ['truncated.json', '{\n  "matches": [\n    {"vulnerability": {"id": "CVE-2022-37434",', /truncated\.json \(line 3, column \d+\): is truncated/],
    ['table.txt', 'NAME    INSTALLED  FIXED-IN  TYPE  VULNERABILITY   SEVERITY\nzlib    1.2.12-r1  1.2.12-r2 apk   CVE-2022-37434  Critical\n', /table\.txt \(line 1, column 1\): is not JSON: it starts with "NAME/],
    ['other.json', '{"bomFormat": "CycloneDX", "components": []}', /other\.json: not a report format secgate knows \(a JSON object with keys "bomFormat", "components"\)/],
    ['missing.json', null, /missing\.json: no such file — /],
  ];

  it.each(cases)('%s', async (name, content, message) => {
    const cwd = workdir();
    const path = join(cwd, name);
    if (content !== null) writeFileSync(path, content);
    writeFileSync(join(cwd, 'previous.sarif'), 'previous run');
    const r = await runCli(['check', GRYPE, path, '--sarif', 'previous.sarif'], { cwd, env: env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^secgate: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toMatch(/\n\s+at /);
    // nothing written, nothing half-written: the previous log is untouched
    expect(readFileSync(join(cwd, 'previous.sarif'), 'utf8')).toBe('previous run');
    const fresh = await runCli(['check', path], { cwd: workdir(), env: env() });
    expect(fresh.code).toBe(2);
  });

  it('two bad reports: one line each', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'a.json'), '');
    const r = await runCli(['check', join(cwd, 'a.json'), join(cwd, 'b.json')], { cwd, env: env() });
    expect(r.code).toBe(2);
    // (one line each; a terminal-safe rendering may show the break between them as ⏎)
    expect(r.stderr.trim().split(/\n|⏎/)).toEqual([expect.stringMatching(/a\.json: the file is empty/), expect.stringMatching(/b\.json: no such file/)]);
    expect(existsSync(join(cwd, 'secgate.sarif'))).toBe(false);
  });

  it('--debug adds the stack trace; without it there is none', async () => {
    const cwd = workdir();
    const plain = await runCli(['check', join(cwd, 'missing.json')], { cwd, env: env() });
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    const debug = await runCli(['check', join(cwd, 'missing.json'), '--debug'], { cwd, env: env() });
    expect(debug.code).toBe(2);
    expect(debug.stderr.split('\n')[0]).toMatch(/missing\.json: no such file/);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('no reports at all is exit 2 with what to do', async () => {
    const r = await runCli(['check'], { cwd: workdir(), env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no reports given — name the report files/);
  });
});

describe('secgate check: the SARIF log', () => {
  it('is byte-identical whatever the order of the reports', async () => {
    const cwd = workdir();
    await runCli(['check', GRYPE, TRIVY, SEMGREP, '--sarif', 'a.sarif', '-q'], { cwd, env: env() });
    await runCli(['check', SEMGREP, GRYPE, TRIVY, '--sarif', 'b.sarif', '-q'], { cwd, env: env() });
    expect(readFileSync(join(cwd, 'a.sarif'))).toEqual(readFileSync(join(cwd, 'b.sarif')));
  });

  it('an empty report set of findings passes: exit 0', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'clean.json'), '{"matches": [], "source": {"type": "directory", "target": "."}, "descriptor": {"name": "grype", "version": "0.80.0"}}');
    writeFileSync(join(cwd, 'null.json'), 'null');
    const r = await runCli(['check', 'clean.json', 'null.json'], { cwd, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS/);
  });
});
