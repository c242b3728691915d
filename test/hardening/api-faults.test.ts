/**
 * API faults. SonarQube's Web API is where a scanner's results come from: any error answer
 * (401/403/404/429/5xx, an HTML error page, no answer) must end in exit 2 with one line, never a
 * pass with no findings. The GitHub / GitLab comment APIs only publish: whatever they answer, the
 * exit code is the verdict's (asserted separately). Both tables are printed at the end.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeApis, json } from '../publish/fake-api.js';
import { FakeSonarQube, type FakeOptions } from '../scanners/sonarqube/fake-sonarqube.js';
import { FIXTURES, fakeEnv } from '../runners/fakes.js';
import { Matrix, STACK_TRACE, diagnosticLines } from './matrix.js';

const TOKEN = `sqp_${'f00d'.repeat(10)}`;
const sonarMatrix = new Matrix('SonarQube Web API faults (secgate run)');
const commentMatrix = new Matrix('comment API faults (check --comment): the exit code stays the verdict\'s');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => console.log(`\n${sonarMatrix.table()}\n\n${commentMatrix.table()}\n`));

async function sonarProject(o: Partial<FakeOptions>, extraYaml = '') {
  const fake = new FakeSonarQube({
    version: '10.6.0.92116', token: TOKEN, projectKey: 'shop-api', taskId: 'AYtask-1', analysisId: 'AYanalysis-1',
    ceStates: ['SUCCESS'], issues: 3, hotspots: 1, ...o,
  });
  const url = await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-sonar-'));
  cleanups.push(() => fake.stop(), () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, '.scannerwork'));
  writeFileSync(join(dir, '.scannerwork', 'report-task.txt'), `projectKey=shop-api\nserverUrl=${url}\nserverVersion=10.6.0.92116\ndashboardUrl=${url}/dashboard?id=shop-api\nceTaskId=AYtask-1\nceTaskUrl=${url}/api/ce/task?id=AYtask-1\n`);
  writeFileSync(join(dir, 'secgate.yml'), `version: 1\nscanners:\n  sonarqube: { url: "${url}", wait: "10s"${extraYaml} }\n`);
  return { fake, dir };
}

/** A PATH with node and none of the scanners. */
function nodeOnlyPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'secgate-hard-nobin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
  return bin;
}

const HTML_500 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

const SONAR_FAULTS: { fault: string; o: Partial<FakeOptions>; yaml?: string; env?: Record<string, string>; message: RegExp }[] = [
  { fault: 'token refused (401)', o: { token: 'another-token' }, message: /401/ },
  { fault: '403 on issues', o: { failures: { '/api/issues/search': { status: 403, body: '{"errors":[{"msg":"Insufficient privileges"}]}' } } }, message: /403/ },
  { fault: '404 on the CE task', o: { failures: { '/api/ce/task': { status: 404, body: '{"errors":[{"msg":"No activity found for task \'AYtask-1\'"}]}' } } }, message: /404/ },
  { fault: '429 rate limited', o: { failures: { '/api/issues/search': { status: 429, body: '' } } }, message: /429/ },
  { fault: '500 server error', o: { failures: { '/api/hotspots/search': { status: 500, body: '{"errors":[{"msg":"An error has occurred"}]}' } } }, message: /500/ },
  { fault: '502 HTML error page', o: { failures: { '/api/qualitygates/project_status': { status: 502, body: HTML_500 } } }, message: /502/ },
  { fault: '503 unavailable', o: { failures: { '/api/server/version': { status: 503, body: '' } } }, message: /503/ },
  { fault: 'slow answer (scanner timeout 2s)', o: { failures: { '/api/issues/search': { status: 200, hang: true } } }, yaml: ', timeout: "2s"', message: /stopped|timed out|did not answer/ },
  { fault: 'CE task FAILED', o: { ceStates: ['IN_PROGRESS', 'FAILED'] }, message: /FAILED|failed/ },
  { fault: 'no token in env', o: {}, env: {}, message: /SONAR_TOKEN is not set/ },
];

describe('SonarQube API faults end in exit 2 with one line, the token nowhere', () => {
  test.each(SONAR_FAULTS)('$fault', async ({ fault, o, yaml, env, message }) => {
    const { dir } = await sonarProject(o, yaml);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: env ?? { SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' } });
    const lines = diagnosticLines(r.stderr, 'error');
    sonarMatrix.add({ area: 'sonarqube', fault, exit: r.code, message: lines[0] ?? r.stderr.trim() });
    expect(r.code, r.stderr).toBe(2);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^secgate: error: sonarqube: .+ — .+/);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(Buffer.from(`${TOKEN}:`).toString('base64'));
    }
  });

  test.each([
    ['sonar-scanner missing', () => ({ PATH: nodeOnlyPath() }), '', /"sonar-scanner" was not found on PATH/],
    ['sonar-scanner non-zero exit', () => fakeEnv({ FAKE_SONAR_EXIT: '2', FAKE_SONAR_STDERR: 'ERROR: Error during SonarScanner execution' }), '', /exit code 2/],
    ['sonar-scanner hangs (timeout 1s)', () => fakeEnv({ FAKE_SONAR_HANG: '1' }), ', timeout: "1s"', /timed out after 1\.0s/],
  ])('%s', async (fault, env, extra, message) => {
    const { dir } = await sonarProject({}, `, scanner: true, project_key: "shop-api"${extra}`);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: { ...env(), SONAR_TOKEN: TOKEN } });
    const lines = diagnosticLines(r.stderr, 'error');
    sonarMatrix.add({ area: 'sonarqube', fault, exit: r.code, message: lines[0] ?? r.stderr.trim() });
    expect(r.code, r.stderr).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^secgate: error: sonarqube: .+ — .+/);
    expect(lines[0]).toMatch(message);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  test('optional: a failing SonarQube is a recorded warning, not exit 2', async () => {
    const { dir } = await sonarProject({ failures: { '/api/issues/search': { status: 500, body: '' } } }, ', optional: true');
    // Another scan completes: with nothing scanned at all there would be no verdict (exit 2).
    appendFileSync(join(dir, 'secgate.yml'), `reports: [${JSON.stringify(cleanReport(dir))}]\n`);
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: { SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' } });
    const lines = diagnosticLines(r.stderr, 'warning');
    sonarMatrix.add({ area: 'sonarqube', fault: 'optional + 500', exit: r.code, message: lines[0] ?? '' });
    expect(r.code).not.toBe(2);
    expect(lines[0]).toMatch(/^secgate: warning: sonarqube: .*500/);
  });
});

// ─── comment APIs ───────────────────────────────────────────────────────────────────────────────

const server = fakeApis(afterEach);
const GH_TOKEN = `ghs_${'c0ffee'.repeat(6)}`;
const GL_TOKEN = `glpat-${'beef'.repeat(5)}`;
const FAILING = ['grype.json', 'trivy.json'].map((f) => join(FIXTURES, 'reports', f));

function cleanReport(dir: string): string {
  const p = join(dir, 'clean.sarif');
  writeFileSync(p, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'clean-tool' } }, results: [] }] }));
  return p;
}

type Answer = { fault: string; answer: (res: import('node:http').ServerResponse) => void | Promise<void> };
const ANSWERS: Answer[] = [
  { fault: '401', answer: (res) => json(res, 401, { message: 'Bad credentials' }) },
  { fault: '403', answer: (res) => json(res, 403, { message: 'Resource not accessible by integration' }) },
  { fault: '404', answer: (res) => json(res, 404, { message: 'Not Found' }) },
  { fault: '429', answer: (res) => json(res, 429, { message: 'API rate limit exceeded' }, { 'Retry-After': '60' }) },
  { fault: '500', answer: (res) => json(res, 500, { message: 'Server Error' }) },
  { fault: '502 HTML', answer: (res) => void res.writeHead(502, { 'Content-Type': 'text/html' }).end(HTML_500) },
  { fault: 'cut-off JSON', answer: (res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end('[{"id": 1, "bo') },
];

function githubEnv(base: string, dir: string): Record<string, string> {
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'output.txt'), '');
  return {
    GITHUB_ACTIONS: 'true', GITHUB_API_URL: base, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIXTURES, 'github', 'pull_request.json'), GITHUB_TOKEN: GH_TOKEN,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_RUN_ID: '1',
  };
}

function gitlabEnv(base: string): Record<string, string> {
  return { GITLAB_CI: 'true', CI_API_V4_URL: `${base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', SECGATE_GITLAB_TOKEN: GL_TOKEN };
}

describe('comment API faults never change the exit code (the verdict decides)', () => {
  for (const platform of ['github', 'gitlab'] as const) {
    for (const a of ANSWERS) {
      for (const [verdict, expected] of [['pass', 0], ['fail', 1]] as const) {
        test(`${platform} ${a.fault}, verdict ${verdict} → exit ${expected}`, async () => {
          const api = await server((_req, res) => a.answer(res));
          const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-comment-'));
          cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
          const env = platform === 'github' ? githubEnv(api.base, dir) : gitlabEnv(api.base);
          const reports = verdict === 'pass' ? [cleanReport(dir)] : FAILING;
          const r = await runCli(['check', '--quiet', ...reports, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env, cwd: dir });
          const warning = diagnosticLines(r.stderr, 'warning').find((l) => /comment|note/i.test(l)) ?? '';
          if (verdict === 'fail') commentMatrix.add({ area: `${platform} comment`, fault: a.fault, exit: r.code, message: warning });
          expect(api.requests.length).toBeGreaterThan(0);
          expect(r.code, r.stderr).toBe(expected);
          expect(warning, r.stderr).toMatch(/could not|failed|answered|comment|note/i);
          expect(r.stderr).not.toMatch(STACK_TRACE);
          expect(r.stdout + r.stderr).not.toContain(platform === 'github' ? GH_TOKEN : GL_TOKEN);
        });
      }
    }
  }

  test('a slow comment API (answers after 2 s) does not change the exit code either', async () => {
    const api = await server(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 2000));
      json(res, 500, { message: 'Server Error' });
    });
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-comment-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const r = await runCli(['check', '--quiet', ...FAILING, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env: githubEnv(api.base, dir), cwd: dir });
    commentMatrix.add({ area: 'github comment', fault: 'slow (2 s) then 500', exit: r.code, message: diagnosticLines(r.stderr, 'warning')[0] ?? '' });
    expect(r.code).toBe(1);
  });
});
