/**
 * Fault matrix: every scanner `secgate run` starts and every report format `secgate check` reads,
 * under each way it can go wrong. Each case must end in exit 2 with one clear line (what, where,
 * what to do) — or, for an `optional` scanner, a recorded warning — and never in exit 0. The
 * observed matrix (case → exit code → message) is printed at the end of the run.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { FIXTURES, fakeEnv } from '../runners/fakes.js';
import { Matrix, STACK_TRACE, diagnosticLines } from './matrix.js';

const IMAGE = 'registry.example.com/app:1.2.3';
const REPORTS = join(FIXTURES, 'reports');
const matrix = new Matrix('secgate fault matrix: scanners (run), report inputs (check), outputs, config');
const scratch: string[] = [];
afterAll(() => {
  console.log(`\n${matrix.table()}\n`);
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `secgate-hard-${prefix}-`));
  scratch.push(d);
  return d;
}

function file(name: string, text: string): string {
  const p = join(tmp('in'), name);
  writeFileSync(p, text);
  return p;
}

function fixture(name: string): string {
  return readFileSync(join(REPORTS, name), 'utf8');
}

/** A JSON fixture (a name under fixtures/reports, or a path) with one field given another type (what a scanner upgrade does to a report). */
function drifted(name: string, change: (doc: any) => void): string {
  const doc = JSON.parse(name.startsWith('/') ? readFileSync(name, 'utf8') : fixture(name));
  change(doc);
  return JSON.stringify(doc);
}

/** A PATH with node but none of the scanners (nor docker). */
let NO_SCANNERS = '';
beforeAll(() => {
  NO_SCANNERS = tmp('nobin');
  symlinkSync(process.execPath, join(NO_SCANNERS, 'node'));
});

/** Assert the fault's contract and record the row. */
function expectFault(area: string, fault: string, r: CliRun, message: RegExp, exit: 2 | 'warning' = 2): void {
  const row = { area, fault, exit: r.code, message: '' };
  try {
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).not.toMatch(/internal error/);
    if (exit === 2) {
      expect(r.code, `${area} / ${fault}: stderr was\n${r.stderr}`).toBe(2);
      const lines = diagnosticLines(r.stderr, 'error');
      expect(lines, r.stderr).toHaveLength(1);
      row.message = lines[0]!;
      // what (and where) — what to do
      expect(row.message).toMatch(/^secgate: error: .+ — .+/);
      expect(row.message).toMatch(message);
    } else {
      // optional: documented as a warning, not exit 2; the verdict comes from the other scanners.
      expect(r.code, r.stderr).not.toBe(2);
      const lines = diagnosticLines(r.stderr, 'warning');
      expect(lines.length, r.stderr).toBeGreaterThanOrEqual(1);
      row.message = lines.find((l) => message.test(l)) ?? lines[0]!;
      expect(row.message).toMatch(message);
    }
  } finally {
    matrix.add(row);
  }
}

// ─── secgate run: every runner under every process fault ────────────────────────────────────────

interface ScannerSpec {
  id: string;
  /** The fakes' knob prefix (FAKE_<TOOL>_…). */
  knob: string;
  yaml: (extra: string) => string;
  failExit: string;
  /** The report of another tool, handed over as this scanner's report. */
  wrongFormat: string;
  drift: () => string;
  /** What the missing-executable line names. */
  missing: RegExp;
}

const SCANNERS: ScannerSpec[] = [
  {
    id: 'grype', knob: 'GRYPE', failExit: '1', yaml: (x) => `grype: { target: "${IMAGE}"${x} }`,
    wrongFormat: fixture('trivy.json'),
    drift: () => drifted('grype.json', (d) => void (d.matches[0].vulnerability = 'CVE-2023-0001')),
    missing: /"grype" was not found on PATH/,
  },
  {
    id: 'trivy', knob: 'TRIVY', failExit: '1', yaml: (x) => `trivy: { target: "${IMAGE}"${x} }`,
    wrongFormat: fixture('grype.json'),
    drift: () => drifted('trivy.json', (d) => void (d.Results[0].Vulnerabilities = { count: 3 })),
    missing: /"trivy" was not found on PATH/,
  },
  {
    id: 'zap', knob: 'ZAP', failExit: '3', yaml: (x) => `zap: { target: "http://localhost:8080"${x} }`,
    wrongFormat: fixture('semgrep.sarif'),
    drift: () => drifted('zap-2.17-traditional.json', (d) => void (d.site[0].alerts = 'none')),
    missing: /"docker" was not found on PATH/,
  },
  {
    id: 'npm-audit', knob: 'NPM', failExit: '7', yaml: (x) => `npm-audit: { dir: web${x} }`,
    wrongFormat: fixture('grype.json'),
    drift: () => drifted('npm-audit-v2-npm7.json', (d) => void (d.vulnerabilities = [1, 2, 3])),
    missing: /"npm" was not found on PATH/,
  },
];

function runProject(scanner: ScannerSpec, extra = ''): string {
  const dir = tmp('run');
  writeFileSync(join(dir, 'secgate.yml'), `version: 1\nscanners:\n  ${scanner.yaml(extra)}\n`);
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web', 'package.json'), '{"name":"web","version":"1.0.0"}');
  writeFileSync(join(dir, 'web', 'package-lock.json'), '{"name":"web","lockfileVersion":3,"packages":{}}');
  return dir;
}

interface RunFault {
  fault: string;
  env: (s: ScannerSpec) => NodeJS.ProcessEnv;
  extra?: string;
  message: (s: ScannerSpec) => RegExp;
}

const RUN_FAULTS: RunFault[] = [
  { fault: 'missing binary', env: () => ({ PATH: NO_SCANNERS }), message: (s) => s.missing },
  { fault: 'non-zero exit', env: (s) => fakeEnv({ [`FAKE_${s.knob}_EXIT`]: s.failExit, [`FAKE_${s.knob}_STDERR`]: 'fatal: the scanner could not finish' }), message: () => /exit code \d|failed/ },
  { fault: 'timeout', extra: ', timeout: "1s"', env: (s) => fakeEnv({ [`FAKE_${s.knob}_HANG`]: '1' }), message: () => /timed out after 1\.0s and was stopped — raise scanners\.\S+\.timeout/ },
  { fault: 'crash mid-write', env: (s) => fakeEnv({ [`FAKE_${s.knob}_CRASH`]: '1' }), message: () => /killed by SIGKILL|exit code 137|unreadable|truncated/ },
  { fault: 'empty report', env: (s) => fakeEnv({ [`FAKE_${s.knob}_REPORT`]: file('empty.json', '') }), message: () => /empty/ },
  { fault: 'wrong format', env: (s) => fakeEnv({ [`FAKE_${s.knob}_REPORT`]: file('other.json', s.wrongFormat) }), message: () => /unreadable|not a|expected|format/ },
  { fault: 'schema drift', env: (s) => fakeEnv({ [`FAKE_${s.knob}_REPORT`]: file('drift.json', s.drift()) }), message: () => /unreadable: .*\(\$[.[]/ },
  { fault: 'no report', env: (s) => fakeEnv({ [`FAKE_${s.knob}_NO_REPORT`]: '1' }), message: () => /no report|printed no report|empty/ },
];

// Concurrent: most of each case is waiting on a fake scanner process (or its timeout).
describe.concurrent('secgate run: each scanner under each fault ends in exit 2 with one line', () => {
  for (const s of SCANNERS) {
    for (const f of RUN_FAULTS) {
      test(`${s.id}: ${f.fault}`, async () => {
        const dir = runProject(s, f.extra);
        const r = await runCli(['run', '--quiet'], { cwd: dir, env: f.env(s) });
        expectFault(`run ${s.id}`, f.fault, r, f.message(s));
        // The failure is recorded in the SARIF log too, not only on the console.
        const log = JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8')) as Log;
        const inv = log.runs.flatMap((x) => x.invocations ?? []);
        expect(inv.some((i) => i.executionSuccessful === false), JSON.stringify(inv)).toBe(true);
      });
    }

    test(`${s.id}: optional, failing → a recorded warning, never exit 2 for it, never a silent pass`, async () => {
      const dir = runProject(s, ', optional: true');
      // Another scan completes (an already-produced report), so there is something to decide on.
      writeFileSync(join(dir, 'clean.sarif'), JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'clean-tool' } }, results: [] }] }));
      appendFileSync(join(dir, 'secgate.yml'), 'reports: [clean.sarif]\n');
      const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ [`FAKE_${s.knob}_EXIT`]: s.failExit, [`FAKE_${s.knob}_STDERR`]: 'fatal: the scanner could not finish' }) });
      expectFault(`run ${s.id}`, 'optional + non-zero exit', r, new RegExp(`^secgate: warning: ${s.id === 'npm-audit' ? 'npm' : s.id}`), 'warning');
      const log = JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8')) as Log;
      const run = log.runs.find((x) => x.tool.driver.name !== 'clean-tool')!;
      expect(run.invocations![0]!.executionSuccessful).toBe(false);
      expect(run.properties?.['optional']).toBe(true);
      // The warning is part of the verdict every later step reads (reports, comment, summary).
      const verdict = log.properties?.['secgate'] as { verdict?: { warnings?: string[] } } | undefined;
      expect(JSON.stringify(verdict?.verdict?.warnings ?? verdict)).toMatch(/could not finish|exit code/);
    });
  }

  test('every scanner optional and every one failing: nothing was scanned → exit 2, never a pass', async () => {
    const dir = runProject(SCANNERS[0]!, ', optional: true');
    const s = SCANNERS[0]!;
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ [`FAKE_${s.knob}_EXIT`]: s.failExit, [`FAKE_${s.knob}_STDERR`]: 'fatal: the scanner could not finish' }) });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/no scanner completed/);
  });
});

// ─── secgate check: every report format under every input fault ─────────────────────────────────

interface FormatSpec {
  id: string;
  sample: string;
  /** Fields missing or of another type. */
  drift: string;
}

const json = (v: unknown) => JSON.stringify(v);
const FORMATS: FormatSpec[] = [
  { id: 'grype', sample: fixture('grype.json'), drift: drifted('grype.json', (d) => void (d.matches[0].artifact = ['pkg'])) },
  { id: 'trivy', sample: fixture('trivy.json'), drift: drifted('trivy.json', (d) => void (d.Results[0].Vulnerabilities[0].PkgName = 42)) },
  { id: 'sarif', sample: fixture('semgrep.sarif'), drift: drifted('semgrep.sarif', (d) => void (d.runs[0].results[0].locations = 'src/app.js:3')) },
  { id: 'zap-json', sample: fixture('zap-2.17-traditional.json'), drift: drifted('zap-2.17-traditional.json', (d) => void (d.site[0].alerts[0].instances = 'https://app.example/')) },
  { id: 'zap-xml', sample: fixture('zap-xml-plus.xml'), drift: fixture('zap-xml-plus.xml').replace(/<riskcode>\d<\/riskcode>/, '<riskcode><b>high</b></riskcode>') },
  { id: 'zap-api', sample: fixture('zap-api-alerts.json'), drift: drifted('zap-api-alerts.json', (d) => void (d.alerts[0].risk = { level: 3 })) },
  { id: 'sonarqube', sample: fixture('sonarqube-combined.json'), drift: drifted('sonarqube-combined.json', (d) => void (d.issues.issues[0].rule = 7)) },
  { id: 'npm-audit', sample: fixture('npm-audit-v2-npm7.json'), drift: drifted('npm-audit-v2-npm7.json', (d) => { const k = Object.keys(d.vulnerabilities)[0]!; d.vulnerabilities[k].via = 'everything'; }) },
  { id: 'wazuh-api', sample: json({ data: { affected_items: [{ cve: 'CVE-2024-1', name: 'openssl', version: '3.0.2', severity: 'High', status: 'VALID', type: 'PACKAGE', external_references: [] }], total_affected_items: 1, total_failed_items: 0, failed_items: [] }, message: 'ok', error: 0 }), drift: json({ data: { affected_items: 'openssl', total_affected_items: 1, failed_items: [] }, error: 0 }) },
  { id: 'asff', sample: json({ Findings: [asffFinding()] }), drift: json({ Findings: [{ ...asffFinding(), Severity: 'HIGH' }] }) },
  { id: 'wazuh-indexer', sample: readFileSync(join(FIXTURES, 'hardening', 'wazuh-indexer-4.8.json'), 'utf8'), drift: drifted(join(FIXTURES, 'hardening', 'wazuh-indexer-4.8.json'), (d) => void (d.hits.hits[0]._source.vulnerability = 'CVE-2023-0464')) },
  { id: 'wazuh-alerts', sample: readFileSync(join(FIXTURES, 'wazuh', 'alerts.json'), 'utf8'), drift: readFileSync(join(FIXTURES, 'wazuh', 'alerts.json'), 'utf8').replace(/"rule":\{"level":7/, '"rule":{"level":"seven"') },
];

function asffFinding(): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08', Id: 'arn:aws:inspector2:eu-west-1:123456789012:finding/abc', ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/inspector',
    GeneratorId: 'AWSInspector', AwsAccountId: '123456789012', Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    CreatedAt: '2026-11-01T00:00:00Z', UpdatedAt: '2026-11-01T00:00:00Z', Severity: { Label: 'HIGH' }, Title: 'CVE-2024-1 - openssl', Description: 'x',
    Resources: [{ Type: 'AwsEc2Instance', Id: 'i-0123' }], Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE',
  };
}

interface InputFault {
  fault: string;
  /** The argv for check (after 'check'), given the format. */
  args: (f: FormatSpec) => string[];
  message: RegExp;
}

const INPUT_FAULTS: InputFault[] = [
  { fault: 'empty file', args: (f) => [file(`${f.id}.json`, '')], message: /the file is empty — / },
  { fault: 'whitespace only', args: (f) => [file(`${f.id}.json`, ' \n\t\n')], message: /the file is empty — / },
  { fault: 'truncated (crash mid-write)', args: (f) => [file(`${f.id}.json`, f.sample.slice(0, Math.floor(f.sample.length * 0.6)))], message: /truncated|line \d+|cut|not valid|unexpected end|unclosed|column/i },
  { fault: 'wrong format (forced)', args: (f) => ['--format', f.id === 'grype' ? 'trivy' : 'grype', file(`${f.id}.json`, f.sample)], message: /\(\$[.[]|is not (valid )?(JSON|Grype JSON|Trivy JSON)/ },
  { fault: 'schema drift', args: (f) => ['--format', f.id, file(`${f.id}.json`, f.drift)], message: /\(\$[.[]|line|must|expected/ },
  { fault: 'NUL bytes', args: (f) => [file(`${f.id}.json`, `\u0000\u0000${f.sample.slice(0, 40)}`)], message: /not valid JSON|unknown|format|starts with/ },
];

describe('secgate check: each report format under each input fault ends in exit 2 with one line', () => {
  for (const f of FORMATS) {
    for (const fault of INPUT_FAULTS) {
      test(`${f.id}: ${fault.fault}`, async () => {
        const dir = tmp('check');
        const r = await runCli(['check', '--quiet', ...fault.args(f)], { cwd: dir });
        expectFault(`check ${f.id}`, fault.fault, r, fault.message);
        // No verdict → the merged log is not written as if it were one.
        expect(existsSync(join(dir, 'secgate.sarif'))).toBe(false);
      });
    }
  }

  test.each([
    ['missing file', () => ['/nonexistent/secgate/grype.json'], /no such file — check the path/],
    ['a directory', () => [tmp('dir')], /is a directory/],
    ['unknown format (no adapter detects it)', () => [file('x.json', '{"hello":"world"}')], /unknown|format|— /],
    ['forced format that does not exist', () => ['--format', 'snyk', file('x.json', '{}')], /unknown format "snyk" — use one of: grype/],
    ['not JSON at all', () => [file('x.json', '<html><body>502 Bad Gateway</body></html>')], /not|format/],
  ])('any report: %s', async (fault, args, message) => {
    const r = await runCli(['check', '--quiet', ...args()], { cwd: tmp('check') });
    expectFault('check (any)', fault, r, message);
  });
});

// ─── outputs: unwritable path, read-only file system, disk full ──────────────────────────────────

/** A tiny tmpfs (64 KiB) for ENOSPC and a read-only one for EROFS, when this machine lets us mount. */
function mountTmpfs(options: string): string | undefined {
  const dir = tmp('mnt');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return dir;
  } catch {
    return undefined;
  }
}
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
});

describe('outputs that cannot be written end in exit 2, never a pass with a missing output', () => {
  const grype = join(REPORTS, 'grype.json');
  const clean = () => file('clean.sarif', json({ version: '2.1.0', runs: [{ tool: { driver: { name: 'clean-tool' } }, results: [] }] }));

  test('--sarif under a path whose parent is a file', async () => {
    const parent = file('plain-file', 'x');
    const r = await runCli(['check', '--quiet', '--sarif', join(parent, 'out.sarif'), clean()], { cwd: tmp('out') });
    expectFault('output', '--sarif parent is a file', r, /cannot write .*out\.sarif: the path is not a writable file location — choose a writable output path/);
  });

  test('--report junit: into a path whose parent is a file', async () => {
    const parent = file('plain-file', 'x');
    const r = await runCli(['check', '--quiet', '--report', `junit:${join(parent, 'junit.xml')}`, clean()], { cwd: tmp('out') });
    expectFault('output', '--report parent is a file', r, /junit\.xml/);
  });

  test('--history into a path whose parent is a file', async () => {
    const parent = file('plain-file', 'x');
    const r = await runCli(['check', '--quiet', '--history', join(parent, 'history.jsonl'), clean()], { cwd: tmp('out') });
    expectFault('output', '--history parent is a file', r, /history\.jsonl/);
  });

  test('disk full (64 KiB tmpfs) for the SARIF log', async (ctx) => {
    const small = mountTmpfs('size=64k');
    if (!small) return ctx.skip();
    writeFileSync(join(small, 'filler'), Buffer.alloc(60 * 1024));
    const r = await runCli(['check', '--quiet', '--sarif', join(small, 'secgate.sarif'), grype], { cwd: tmp('out') });
    expectFault('output', 'disk full (ENOSPC)', r, /the disk is full — choose a writable output path/);
    expect(existsSync(join(small, 'secgate.sarif'))).toBe(false);
  });

  test('read-only file system for a report', async (ctx) => {
    const ro = mountTmpfs('ro,size=64k');
    if (!ro) return ctx.skip();
    const r = await runCli(['check', '--quiet', '--report', `markdown:${join(ro, 'summary.md')}`, clean()], { cwd: tmp('out') });
    expectFault('output', 'read-only file system (EROFS)', r, /read-only — choose a writable output path/);
  });

  test('stdout is /dev/full (the built CLI, as a CI runner would start it)', () => {
    const cli = join(process.cwd(), 'dist', 'cli.js');
    if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const dir = tmp('devfull');
    let code = 0;
    let stderr = '';
    try {
      execFileSync('sh', ['-c', `exec node "${cli}" check --json "${clean()}" > /dev/full`], { cwd: dir, env: { PATH: process.env['PATH'], NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      code = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expectFault('output', 'stdout is /dev/full', { code, stdout: '', stderr }, /cannot write to stdout: ENOSPC — /);
  });
});

// ─── configuration ──────────────────────────────────────────────────────────────────────────────

describe('bad configuration ends in exit 2 with one line naming the file, the place and the fix', () => {
  const clean = () => file('clean.sarif', json({ version: '2.1.0', runs: [{ tool: { driver: { name: 'clean-tool' } }, results: [] }] }));
  test.each([
    ['invalid YAML', 'policy:\n  fail_on: [ { severity: high }\n', /secgate\.yml:\d+:\d+/],
    ['unknown key', 'version: 1\npolcy: {}\n', /polcy/],
    ['value of another type', 'version: 1\npolicy: { fail_on: high }\n', /policy\.fail_on/],
    ['unknown severity', 'version: 1\npolicy: { fail_on: [ { severity: severe } ] }\n', /severity/],
    ['a list instead of a map', '- version\n- 1\n', /secgate\.yml/],
    ['tabs and binary', '\u0000\u0001version:\t1\n', /secgate\.yml/],
  ])('%s', async (fault, yaml, message) => {
    const dir = tmp('cfg');
    writeFileSync(join(dir, 'secgate.yml'), yaml);
    const r = await runCli(['check', '--quiet', clean()], { cwd: dir });
    expectFault('config', fault, r, message);
  });

  test('-c names a file that does not exist', async () => {
    const r = await runCli(['check', '--quiet', '-c', 'nope.yml', clean()], { cwd: tmp('cfg') });
    expectFault('config', '-c missing file', r, /nope\.yml/);
  });

  test('--profile that is not defined', async () => {
    const dir = tmp('cfg');
    writeFileSync(join(dir, 'secgate.yml'), 'version: 1\n');
    const r = await runCli(['check', '--quiet', '--profile', 'nightly', clean()], { cwd: dir });
    expectFault('config', 'unknown --profile', r, /nightly/);
  });

  test('usage error: an unknown flag is exit 2, not a pass', async () => {
    const r = await runCli(['check', '--sarif-out', 'x', clean()], { cwd: tmp('cfg') });
    expect(r.code).toBe(2);
    matrix.add({ area: 'config', fault: 'unknown CLI flag', exit: r.code, message: r.stderr.trim().split('\n')[0] ?? '' });
  });
});
