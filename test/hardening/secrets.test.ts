/**
 * Secrets: every token secgate can be given (SonarQube, GitHub, GitLab, AWS, a webhook HMAC secret,
 * a registry token in scanner args) is set to a unique random value; run / check / comment /
 * export / report flows run, with failures that push the token back at secgate (a 401 that echoes
 * it, a scanner that prints its command line with it, a webhook that answers with the signature
 * secret). Then EVERYTHING written — stdout, stderr, every file under the project and the CI
 * directories (SARIF, reports, history, job summary, step outputs) and every API request body —
 * is scanned for each value (raw, base64 as in basic auth, and percent-encoded). None may appear.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { fakeApi, json, type Recorded } from '../publish/fake-api.js';
import { FakeSonarQube } from '../scanners/sonarqube/fake-sonarqube.js';
import { FIXTURES, fakeEnv } from '../runners/fakes.js';

const rand = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;
const SECRETS = {
  SONAR_TOKEN: rand('sqp_'),
  GITHUB_TOKEN: rand('ghs_'),
  SECGATE_GITLAB_TOKEN: rand('glpat-'),
  AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: rand('aws/secret+'),
  AWS_SESSION_TOKEN: rand('IQoJb3JpZ2luX2Vj'),
  SECGATE_HOOK_SECRET: rand('whsec_'),
  REGISTRY_TOKEN: rand('regtok_'),
};

/** Each secret as it could leak: raw, in basic auth (base64 of "token:"), percent-encoded, JSON-escaped. */
function forms(value: string): string[] {
  return [value, Buffer.from(`${value}:`).toString('base64'), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `secgate-hard-secret-${prefix}-`));
  dirs.push(d);
  return d;
}

/** Every file under a directory, recursively (what a CI job would upload as artifacts). */
function filesUnder(dir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push([p, readFileSync(p, 'latin1') + readFileSync(p, 'utf8')]);
  }
  return out;
}

function expectNoSecret(where: string, text: string, allowed: string[] = []): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    if (allowed.includes(name)) continue;
    for (const f of forms(value)) expect(text.includes(f), `${name} (${f.slice(0, 8)}…) appears in ${where}`).toBe(false);
  }
}

function expectClean(r: CliRun, dirsToScan: string[], requests: Recorded[] = []): void {
  expectNoSecret('stdout', r.stdout);
  expectNoSecret('stderr', r.stderr);
  // secgate.yml is the test's own input (a user may write a token there); everything else was written by secgate.
  for (const d of dirsToScan) for (const [p, text] of filesUnder(d)) if (!p.endsWith('secgate.yml')) expectNoSecret(p, text);
  // Request bodies sent to the APIs carry findings and reports, never a credential (those go in headers).
  for (const q of requests) expectNoSecret(`${q.method} ${q.url} body`, q.body + q.url);
}

function githubEnv(base: string, ci: string): Record<string, string> {
  writeFileSync(join(ci, 'summary.md'), '');
  writeFileSync(join(ci, 'output.txt'), '');
  return {
    GITHUB_ACTIONS: 'true', GITHUB_API_URL: base, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIXTURES, 'github', 'pull_request.json'),
    GITHUB_STEP_SUMMARY: join(ci, 'summary.md'), GITHUB_OUTPUT: join(ci, 'output.txt'), GITHUB_RUN_ID: '1',
  };
}

/** An API that refuses every call with a 401 whose body echoes the credentials it was sent. */
async function echoingApi() {
  return fakeApi((req, res) => json(res, 401, { message: `Bad credentials: ${req.headers['authorization'] ?? ''} ${req.headers['private-token'] ?? ''} ${req.headers['x-secgate-signature'] ?? ''}`, documentation_url: 'https://docs.github.com/rest' }));
}

describe('no token appears in anything secgate writes', () => {
  it('secgate run: SonarQube 401 echoing the token, a scanner printing its command line with the token, a webhook echoing its signature, comment 401, history and reports', async () => {
    const sonar = new FakeSonarQube({ version: '10.6.0.92116', token: 'the-server-wants-another', projectKey: 'shop', taskId: 'T1', analysisId: 'A1', ceStates: ['SUCCESS'], issues: 1, hotspots: 0, failures: { '/api/ce/task': { status: 401, body: JSON.stringify({ errors: [{ msg: `Invalid token ${SECRETS.SONAR_TOKEN} (Bearer ${SECRETS.SONAR_TOKEN})` }] }) } } });
    const sonarUrl = await sonar.start();
    const api = await echoingApi();
    const hook = await fakeApi((req, res) => json(res, 500, { error: `bad signature ${req.headers['x-secgate-signature'] ?? ''} with secret ${SECRETS.SECGATE_HOOK_SECRET}` }));
    try {
      const dir = tmp('run');
      const ci = tmp('ci');
      mkdirSync(join(dir, '.scannerwork'));
      writeFileSync(join(dir, '.scannerwork', 'report-task.txt'), `projectKey=shop\nserverUrl=${sonarUrl}\nceTaskId=T1\nceTaskUrl=${sonarUrl}/api/ce/task?id=T1\n`);
      mkdirSync(join(dir, 'web'));
      writeFileSync(join(dir, 'web', 'package.json'), '{"name":"web","version":"1.0.0"}');
      writeFileSync(join(dir, 'web', 'package-lock.json'), '{"name":"web","lockfileVersion":3,"packages":{}}');
      writeFileSync(join(dir, 'secgate.yml'), [
        'version: 1',
        'scanners:',
        `  sonarqube: { url: "${sonarUrl}", optional: true }`,
        `  grype: { target: "registry.example.com/app:1", args: ["--name", "app"], optional: true }`,
        `  trivy: { target: "registry.example.com/app:1", args: ["--registry-token", "${SECRETS.REGISTRY_TOKEN}"] }`,
        '  npm-audit: { dir: web }',
        'actions:',
        '  - name: notify',
        '    when: { severity: low }',
        `    webhook: { url: "${hook.base}/hook", secret_env: SECGATE_HOOK_SECRET }`,
        'history: { path: history.jsonl }',
        '',
      ].join('\n'));
      const env = {
        ...fakeEnv({
          FAKE_GRYPE_EXIT: '1',
          FAKE_GRYPE_STDERR: `grype registry.example.com/app:1 --registry-token ${SECRETS.REGISTRY_TOKEN} SONAR_TOKEN=${SECRETS.SONAR_TOKEN}: 401 unauthorized`,
        }),
        ...githubEnv(api.base, ci),
        ...SECRETS,
      };
      const reports = ['markdown:out/report.md', 'junit:out/junit.xml', 'html:out/report.html', 'codequality:out/cq.json'].flatMap((x) => ['--report', x]);
      const r = await runCli(['run', '--comment', '--apply', ...reports.filter((x) => x !== '--report' || true)], { cwd: dir, env });
      // The run happened (findings from trivy and npm audit): a verdict, not a crash.
      expect([1, 2]).toContain(r.code);
      expect(api.requests.length + hook.requests.length).toBeGreaterThan(0);
      expectClean(r, [dir, ci], [...api.requests, ...hook.requests]);
    } finally {
      await Promise.all([sonar.stop(), api.close(), hook.close()]);
    }
  });

  it('secgate check with --comment (GitHub 401 echo, then GitLab 401 echo), --history and every report format', async () => {
    for (const platform of ['github', 'gitlab'] as const) {
      const api = await echoingApi();
      try {
        const dir = tmp('check');
        const ci = tmp('ci');
        const env = platform === 'github'
          ? { ...githubEnv(api.base, ci), ...SECRETS }
          : { GITLAB_CI: 'true', CI_API_V4_URL: `${api.base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', ...SECRETS };
        const inputs = ['grype.json', 'trivy.json', 'semgrep.sarif', 'zap-2.17-traditional.json'].map((f) => join(FIXTURES, 'reports', f));
        const reports = ['markdown:report.md', 'junit:junit.xml', 'html:report.html', 'codequality:cq.json', 'sarif:copy.sarif'].flatMap((x) => ['--report', x]);
        const r = await runCli(['check', ...inputs, '--comment', '--json', '--history', 'history.jsonl', ...reports], { cwd: dir, env });
        expect(r.code).toBe(1);
        expect(api.requests.length).toBeGreaterThan(0);
        expect(r.stderr).toMatch(/secgate: warning: .*401/);
        expectClean(r, [dir, ci], api.requests);
      } finally {
        await api.close();
      }
    }
  });

  it('secgate watch --once: the state file, the SARIF, history and the action outcomes (a command printing its environment, a webhook echoing)', async () => {
    const hook = await fakeApi((req, res) => json(res, 401, { error: `signature ${req.headers['x-secgate-signature'] ?? ''} refused; secret ${SECRETS.SECGATE_HOOK_SECRET}` }));
    try {
      const dir = tmp('watch');
      writeFileSync(join(dir, 'secgate.yml'), [
        'version: 1',
        'actions:',
        '  - name: dump-env',
        '    when: { severity: low }',
        `    command: ["${process.execPath}", "-e", "console.log(JSON.stringify(process.env)); console.error(process.env.GITHUB_TOKEN, process.env.SONAR_TOKEN); process.exit(3)"]`,
        '  - name: notify',
        '    when: { severity: low }',
        `    webhook: { url: "${hook.base}/hook", secret_env: SECGATE_HOOK_SECRET }`,
        '',
      ].join('\n'));
      const inputs = ['grype.json', 'trivy.json'].map((f) => join(FIXTURES, 'reports', f));
      const r = await runCli(['watch', '--once', '--apply', '--state', 'state.json', '--sarif', 'watch.sarif', '--history', 'history.jsonl', ...inputs], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...SECRETS } });
      expect(hook.requests.length).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/dump-env/);
      expectClean(r, [dir], hook.requests);
    } finally {
      await hook.close();
    }
  });

  it('secgate comment, report and export (with AWS credentials in the environment)', async () => {
    const dir = tmp('later');
    const ci = tmp('ci');
    const inputs = ['grype.json', 'trivy.json'].map((f) => join(FIXTURES, 'reports', f));
    await runCli(['check', ...inputs, '--quiet'], { cwd: dir, env: { ...SECRETS } });
    const api = await echoingApi();
    try {
      const env = { ...githubEnv(api.base, ci), ...SECRETS };
      const runs: CliRun[] = [
        await runCli(['comment', '--from', 'secgate.sarif'], { cwd: dir, env }),
        await runCli(['report', '--from', 'secgate.sarif', '--format', 'html', '-o', 'later.html'], { cwd: dir, env }),
        await runCli(['report', '--from', 'secgate.sarif', '--format', 'markdown'], { cwd: dir, env }),
        await runCli(['export', '--from', 'secgate.sarif', '--format', 'asff', '--aws-account-id', '123456789012', '--aws-region', 'eu-west-1', '-o', 'asff.json'], { cwd: dir, env }),
        // Upload to an endpoint that refuses: the AWS SDK's error must not carry the credentials either.
        await runCli(['export', '--from', 'secgate.sarif', '--format', 'asff', '--aws-account-id', '123456789012', '--aws-region', 'eu-west-1', '--upload', '--endpoint', api.base], { cwd: dir, env }),
      ];
      for (const r of runs) expectClean(r, [dir, ci], api.requests.filter((q) => !q.url.startsWith('/') || q.method !== 'POST' || !q.headers['x-amz-date']));
    } finally {
      await api.close();
    }
  });
});
