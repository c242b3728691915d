import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, test } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { githubRuleProblems, HAVE_MULTITOOL } from '../helpers/github-rules.js';
import { alive, calls, fakeEnv, project } from '../runners/fakes.js';

const IMAGE = 'registry.example.com/app:1.2.3';
const ALL = `scanners:
  grype: { target: "${IMAGE}" }
  trivy: { target: "${IMAGE}", mode: image }
  zap: { target: "http://localhost:8080", mode: baseline }
  npm-audit: { dir: "web" }
`;

function sarifOf(dir: string, name = 'secgate.sarif'): Log {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as Log;
}

function webProject(yaml: string): string {
  const dir = project(yaml);
  mkdirWeb(dir);
  return dir;
}
function mkdirWeb(dir: string): void {
  const web = join(dir, 'web');
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'package.json'), '{"name":"web","version":"1.0.0"}');
  writeFileSync(join(web, 'package-lock.json'), '{"name":"web","lockfileVersion":3,"packages":{}}');
}

/** A PATH with node but none of the scanners. */
function pathWithoutScanners(): string {
  const bin = mkdtempSync(join(tmpdir(), 'secgate-nobin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

describe('secgate run: every scanner, as the real tools are invoked', () => {
  test('runs grype, trivy, ZAP (docker) and npm audit with their documented command lines, then the gate', async () => {
    const dir = webProject(ALL);
    const log = join(dir, 'calls.jsonl');
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_ARGS_LOG: log }) });
    expect(r.stderr).not.toMatch(/secgate: error/);
    expect(r.code).toBe(1); // the fixtures' critical findings violate the default policy
    const c = calls(log);
    const grype = c.find((x) => x.tool === 'GRYPE')!;
    expect(grype.argv.slice(0, 4)).toEqual([IMAGE, '-o', 'json', '--file']);
    expect(grype.argv).not.toContain('--fail-on');
    expect(grype.argv).not.toContain('-c'); // the project's own .grype.yaml stays in charge
    expect(grype.cwd).toBe(dir);
    const trivy = c.find((x) => x.tool === 'TRIVY')!;
    expect(trivy.argv).toEqual(['image', '--format', 'json', '--output', expect.stringMatching(/trivy\.json$/), IMAGE]);
    const docker = c.find((x) => x.tool === 'DOCKER')!;
    expect(docker.argv).toEqual(['run', '--rm', '--name', expect.stringMatching(/^secgate-[a-z-]+-[0-9a-f]{8}$/), '-v', expect.stringMatching(/^\/.+:\/zap\/wrk\/:rw$/), 'ghcr.io/zaproxy/zaproxy:stable', 'zap-baseline.py', '-t', 'http://localhost:8080', '-J', 'secgate-zap.json']);
    const npm = c.find((x) => x.tool === 'NPM')!;
    expect(npm.argv).toEqual(['audit', '--json']);
    expect(npm.cwd).toBe(join(dir, 'web'));

    const sarif = sarifOf(dir);
    expect(sarifProblems(sarif)).toEqual([]);
    const names = sarif.runs.map((run) => run.tool.driver.name).sort();
    expect(names).toEqual(['ZAP', 'grype', 'npm audit', 'trivy']);
    for (const run of sarif.runs) {
      const inv = run.invocations![0]!;
      expect(inv.executionSuccessful).toBe(true);
      expect(inv.commandLine).toBeTruthy();
      expect(inv.startTimeUtc).toBe('2026-11-23T12:00:00.000Z');
      expect(inv.endTimeUtc).toBe('2026-11-23T12:00:00.000Z');
      expect(typeof inv.exitCode).toBe('number');
    }
    // ZAP's exit 2 (WARN) and npm's exit 1 (vulnerabilities) are results, not failures.
    expect(sarif.runs.find((x) => x.tool.driver.name === 'ZAP')!.invocations![0]!.exitCode).toBe(2);
    expect(sarif.runs.find((x) => x.tool.driver.name === 'npm audit')!.invocations![0]!.exitCode).toBe(1);
    // Plain progress lines on a non-terminal stderr.
    expect(r.stderr).toMatch(/^grype: started$/m);
    expect(r.stderr).toMatch(/^grype: done in \d+\.\ds, 3 findings$/m);
  });

  test('scanners run in parallel: three 1 s scanners take about 1 s, not 3 s', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n  trivy: { target: "${IMAGE}" }\n  npm-audit: { dir: web }\n`);
    const t0 = performance.now();
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_SLEEP: '1' }) });
    const wall = performance.now() - t0;
    expect(r.code).toBe(1);
    expect(wall).toBeLessThan(2500);
    expect(wall).toBeGreaterThanOrEqual(1000);
  });

  test('defaults.concurrency: 1 runs them one after another', async () => {
    const dir = webProject(`defaults: { concurrency: 1 }\nscanners:\n  grype: { target: "${IMAGE}" }\n  trivy: { target: "${IMAGE}" }\n`);
    const t0 = performance.now();
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_SLEEP: '0.6' }) });
    expect(r.code).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1200);
  });
});

describe('progress display', () => {
  async function withStderr(isTTY: boolean, env: Record<string, string>): Promise<string> {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n`);
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY });
    let err = '';
    stdout.resume();
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await main(['run'], { env: fakeEnv({ FAKE_SLEEP: '0.3', TERM: 'xterm', ...env }), cwd: dir, stdout, stderr, now: () => new Date('2026-11-23T12:00:00Z') });
    expect(code).toBe(1);
    return err;
  }

  test('a terminal gets a spinner line redrawn in place', async () => {
    const err = await withStderr(true, {});
    expect(err).toContain('\r\u001b[2K');
    expect(err).toContain('✔ grype: done in');
    expect(err).not.toContain('grype: started\n');
  });

  test('in CI (CI=true), even on a terminal, plain lines and no cursor movement', async () => {
    const err = await withStderr(true, { CI: 'true' });
    expect(err).toContain('grype: started\n');
    expect(err).not.toContain('\u001b[');
  });
});

describe('secgate run fails closed: each failure mode exits 2 with its one line', () => {
  const one = (body: string) => webProject(`scanners:\n${body}\n`);

  test('missing executable', async () => {
    const dir = one(`  grype: { target: "${IMAGE}" }`);
    const r = await runCli(['run'], { cwd: dir, env: { PATH: pathWithoutScanners() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: grype: "grype" was not found on PATH — install grype (https://github.com/anchore/grype#installation) or set scanners.grype.runner: docker\n');
    const run = sarifOf(dir).runs[0]!;
    expect(run.invocations![0]).toMatchObject({ executionSuccessful: false, commandLine: expect.stringMatching(/^grype /) });
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('was not found on PATH');
  });

  test('docker missing for ZAP (its default runner)', async () => {
    const dir = one('  zap: { target: "http://localhost:8080" }');
    const r = await runCli(['run'], { cwd: dir, env: { PATH: pathWithoutScanners() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: zap: "docker" was not found on PATH — install Docker');
  });

  test('failure exit code, with the scanner\'s own last stderr line', async () => {
    const dir = one(`  grype: { target: "${IMAGE}" }`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_GRYPE_EXIT: '1', FAKE_GRYPE_STDERR: 'failed to catalog: could not fetch image "registry.example.com/app:1.2.3": unauthorized' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: grype: grype failed with exit code 1 (grype error): failed to catalog: could not fetch image "registry.example.com/app:1.2.3": unauthorized — fix the cause shown, or mark the scanner optional: true\n');
    expect(sarifOf(dir).runs[0]!.invocations![0]).toMatchObject({ exitCode: 1, executionSuccessful: false });
  });

  test('ZAP exit 3 is a failure; 1 and 2 are results', async () => {
    const dir = one('  zap: { target: "http://localhost:8080" }');
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_ZAP_EXIT: '3', FAKE_ZAP_STDERR: 'Failed to start ZAP :(' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: zap: docker failed with exit code 3 (ZAP could not complete the scan): Failed to start ZAP :(');
  });

  test('timeout: the hung scanner and its children are killed, nothing is left behind', async () => {
    const pidfile = join(mkdtempSync(join(tmpdir(), 'secgate-pids-')), 'pids');
    const dir = one(`  trivy: { target: "${IMAGE}", timeout: "1s" }\n  grype: { target: "${IMAGE}" }`);
    const t0 = performance.now();
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_TRIVY_HANG: '1', FAKE_TRIVY_PIDFILE: pidfile }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: trivy: trivy timed out after 1.0s and was stopped — raise scanners.trivy.timeout (or defaults.timeout), or make the scan smaller\n');
    // grype was not held up by it and its results are still in the log.
    expect(r.stderr).toMatch(/^grype: done in/m);
    const pids = readFileSync(pidfile, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBe(2);
    for (const pid of pids) expect(alive(pid), `pid ${pid} survived`).toBe(false);
    expect(performance.now() - t0).toBeLessThan(15_000);
    const trivy = sarifOf(dir).runs.find((x) => x.tool.driver.name === 'trivy')!;
    expect(trivy.invocations![0]).toMatchObject({ executionSuccessful: false, exitSignalName: 'SIGKILL' });
  });

  test('timeout in docker: the client process group is killed and the container removed by name', async () => {
    const dir = one(`  zap: { target: "http://localhost:8080", timeout: "1s" }`);
    const log = join(dir, 'calls.jsonl');
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_ZAP_HANG: '1', FAKE_ARGS_LOG: log }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: zap: docker timed out after 1.0s and was stopped');
    const docker = calls(log).filter((c) => c.tool === 'DOCKER');
    const name = docker[0]!.argv[docker[0]!.argv.indexOf('--name') + 1];
    expect(docker[1]!.argv).toEqual(['rm', '--force', name]);
  });

  test('no report written', async () => {
    const dir = one(`  trivy: { target: "${IMAGE}" }`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_TRIVY_NO_REPORT: '1' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secgate: error: trivy: finished \(exit code 0\) but wrote no report \(expected \/.+\/trivy\.json\)/);
  });

  test('unreadable report: not JSON', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'secgate-bad-')), 'bad.json');
    writeFileSync(bad, '2026-11-23T12:00:00Z INFO Vulnerability scanning is enabled\n');
    const dir = one(`  trivy: { target: "${IMAGE}" }`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_TRIVY_REPORT: bad }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secgate: error: trivy: its report is unreadable: trivy\.json \(line 1, column \d+\): is not valid JSON/);
  });

  test('unreadable report: truncated (the scanner died mid-write)', async () => {
    const dir = one(`  grype: { target: "${IMAGE}" }`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_GRYPE_CRASH: '1' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: grype: grype was killed by SIGKILL');
  });

  test('npm audit without a lock file: npm\'s own error, not an empty pass', async () => {
    const dir = project(`scanners:\n  npm-audit: { dir: "." }\n`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: npm audit: failed with ENOLOCK: This command requires an existing lockfile. — npm audit needs a lock file');
  });

  test('a scanner directory that does not exist is said as such, not as "not installed"', async () => {
    const dir = project(`scanners:\n  npm-audit: { dir: "frontend" }\n`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`secgate: error: npm-audit: the directory to run npm in does not exist: ${join(dir, 'frontend')} — check scanners.npm-audit in secgate.yml`);
  });

  test('docker daemon down', async () => {
    const dir = one(`  trivy: { target: "${IMAGE}", runner: docker }`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_DOCKER_DAEMON_DOWN: '1' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secgate: error: trivy: docker failed with exit code 125: docker: Cannot connect to the Docker daemon');
  });

  test('several failures: one line each', async () => {
    const dir = one(`  grype: { target: "${IMAGE}" }\n  trivy: { target: "${IMAGE}" }`);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_EXIT: '1' }) });
    expect(r.code).toBe(2);
    expect(r.stderr.match(/^secgate: error: /gm)).toHaveLength(2);
  });
});

describe.skipIf(!HAVE_MULTITOOL)('GitHub upload rules (needs node_modules/@microsoft/sarif-multitool)', () => {
  test('a run log with successful, failed and optional-failed scanners passes the multitool\'s Sarif;Gh rules', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n  trivy: { target: "${IMAGE}" }\n  zap: { target: "http://localhost:8080" }\n  npm-audit: { dir: web, optional: true }\n`);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_TRIVY_EXIT: '1', FAKE_NPM_EXIT: '7' }) });
    expect(r.code).toBe(2);
    expect(githubRuleProblems(sarifOf(dir))).toEqual([]);
  });
});

describe('optional scanners', () => {
  test('a failed optional scanner is a warning; the gate goes on with the others', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}", optional: true }\n  npm-audit: { dir: web }\n`);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv({ FAKE_GRYPE_EXIT: '1', FAKE_GRYPE_STDERR: 'db update failed' }) });
    expect(r.code).toBe(1); // npm audit's findings decide, not grype's failure
    // The whole line: the hint does not suggest marking optional a scanner that already is.
    expect(r.stderr).toContain('secgate: warning: grype: grype failed with exit code 1 (grype error): db update failed — fix the cause shown (optional: not failing the build)\n');
    const grype = sarifOf(dir).runs.find((x) => x.tool.driver.name === 'grype')!;
    expect(grype.invocations![0]!.executionSuccessful).toBe(false);
    expect(grype.properties!['optional']).toBe(true);
  });
});

describe('secrets', () => {
  test('a token never appears in output, errors or the SARIF log', async () => {
    const token = 'ghp_R3allySecretTokenValue42';
    const dir = webProject(`scanners:\n  trivy: { target: "${IMAGE}", args: ["--registry-token", "${token}"] }\n  grype: { target: "${IMAGE}" }\n`);
    const env = fakeEnv({ REGISTRY_TOKEN: token, FAKE_TRIVY_EXIT: '1', FAKE_TRIVY_STDERR: `GET https://registry.example.com/v2/ 401 (token ${token})` });
    for (const extra of [[], ['--json']]) {
      const r = await runCli(['run', ...extra], { cwd: dir, env });
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(readFileSync(join(dir, 'secgate.sarif'), 'utf8')).not.toContain(token);
      expect(r.stderr).toContain('(token ***)');
    }
    const trivy = sarifOf(dir).runs.find((x) => x.tool.driver.name === 'trivy')!;
    expect(trivy.invocations![0]!.commandLine).toContain("--registry-token '***'");
  });

  test('a token a scanner echoes into its report is redacted from the SARIF too', async () => {
    const token = 'glpat-Zq8fK2mN4pR7sT1vX3yA';
    const report = JSON.parse(readFileSync(join(process.cwd(), 'fixtures', 'reports', 'grype.json'), 'utf8')) as { matches: { vulnerability: { description?: string } }[] };
    report.matches[0]!.vulnerability.description = `fetched with https://ci:${token}@gitlab.example.com/app.git`;
    const file = join(mkdtempSync(join(tmpdir(), 'secgate-tok-')), 'grype.json');
    writeFileSync(file, JSON.stringify(report));
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n`);
    const r = await runCli(['run', '--report', 'markdown:out.md'], { cwd: dir, env: fakeEnv({ CI_JOB_TOKEN: token, FAKE_GRYPE_REPORT: file }) });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(token);
    const sarif = readFileSync(join(dir, 'secgate.sarif'), 'utf8');
    expect(sarif).not.toContain(token);
    expect(sarif).toContain('fetched with https://ci:***@gitlab.example.com/app.git'); // the text itself is kept
    expect(readFileSync(join(dir, 'out.md'), 'utf8')).not.toContain(token);
  });
});

describe('secgate run: selection and configuration', () => {
  test('--only runs the named scanners and nothing else', async () => {
    const dir = webProject(ALL);
    const log = join(dir, 'calls.jsonl');
    const r = await runCli(['run', '--only', 'grype,trivy', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_ARGS_LOG: log }) });
    expect(r.code).toBe(1);
    expect(calls(log).map((x) => x.tool).sort()).toEqual(['GRYPE', 'TRIVY']);
  });

  test('--only with a scanner that is not configured', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n`);
    const r = await runCli(['run', '--only', 'zap'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('secgate: error: --only zap: not configured under scanners: in secgate.yml — configured: grype\n');
  });

  test.each([
    [`scanners:\n  grype: { tagret: x }\n`, 'secgate.yml:2:12: scanners.grype.tagret: unknown key (allowed: target, config, optional, timeout, args, runner, image)'],
    [`scanners:\n  grype: { optional: true }\n`, 'scanners.grype: missing required key "target"'],
    [`scanners:\n  snyk: { target: x }\n`, 'scanners.snyk: unknown key (allowed: grype, trivy, zap'],
    [`scanners:\n  trivy: { target: x, mode: docker }\n`, 'scanners.trivy.mode: must be one of "image", "fs", "repo", "config", "sbom", "k8s"'],
    [`scanners:\n  grype: { target: x, timeout: soon }\n`, 'scanners.grype.timeout: must match pattern'],
    [`scanners:\n  grype: { target: x, args: "--only-fixed" }\n`, 'scanners.grype.args: must be array'],
    [`defaults: { timeout: 10m, concurrency: 0 }\n`, 'defaults.concurrency: must be >= 1'],
    [`reports: [ { path: a.sarif, fromat: sarif } ]\n`, 'reports[0].fromat: unknown key (allowed: path, format)'],
  ])('config error %#', async (yaml, line) => {
    const dir = project(yaml);
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(line);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--keep-work keeps the raw reports and says where', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n`);
    const r = await runCli(['run', '--keep-work', '--quiet'], { cwd: dir, env: fakeEnv() });
    const kept = /work directories are kept in (\S+)/.exec(r.stderr)?.[1];
    expect(kept).toBeTruthy();
    expect(JSON.parse(readFileSync(join(kept!, 'grype', 'grype.json'), 'utf8'))).toHaveProperty('matches');
    rmSync(kept!, { recursive: true, force: true });
  });

  test('nothing configured is a config error, not a pass', async () => {
    const dir = project('version: 1\n');
    const r = await runCli(['run'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^secgate: error: nothing to run: secgate\.yml has no scanners: and no reports: — /);
  });

  test('reports: are read with the scanners; a missing one stops before any scanner starts', async () => {
    const fixtures = join(process.cwd(), 'fixtures', 'reports');
    const dir = webProject(`scanners:\n  npm-audit: { dir: web }\nreports: [ "${join(fixtures, 'semgrep.sarif')}", { path: "${join(fixtures, 'trivy.json')}", format: trivy } ]\n`);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(1);
    expect(sarifOf(dir).runs.map((x) => x.tool.driver.name).sort()).toEqual(['Semgrep OSS', 'npm audit', 'trivy']);

    const log = join(dir, 'calls.jsonl');
    const missing = webProject(`scanners:\n  npm-audit: { dir: web }\nreports: [ "nope.sarif" ]\n`);
    const m = await runCli(['run'], { cwd: missing, env: fakeEnv({ FAKE_ARGS_LOG: log }) });
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/^secgate: error: \/.+\/nope\.sarif: no such file — /);
    expect(existsSync(log)).toBe(false);
  });

  test('the gate\'s outputs are check\'s: --report and --json work the same after a run', async () => {
    const dir = webProject(`scanners:\n  grype: { target: "${IMAGE}" }\n`);
    const r = await runCli(['run', '--json', '--report', 'junit:out/secgate-junit.xml'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'fail', exitCode: 1, sarif: 'secgate.sarif' });
    expect(readFileSync(join(dir, 'out', 'secgate-junit.xml'), 'utf8')).toMatch(/^<\?xml/);
  });

  test('secgate check with no report arguments reads reports: from secgate.yml', async () => {
    const fixtures = join(process.cwd(), 'fixtures', 'reports');
    const dir = project(`reports: [ "${join(fixtures, 'grype.json')}" ]\n`);
    const r = await runCli(['check', '--quiet'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(1);
    expect(sarifOf(dir).runs.map((x) => x.tool.driver.name)).toEqual(['grype']);
  });
});
