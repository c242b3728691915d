import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeApis, json } from '../publish/fake-api.js';
import { liveCommands, parseCommand, parseOutputFile } from '../publish/workflow-commands.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const REPORTS = ['grype.json', 'trivy.json', 'semgrep.sarif'].map((f) => join(FIXTURES, 'reports', f));
const GH_TOKEN = 'ghs_SECRETgithubTOKEN42';
const GL_TOKEN = 'glpat-SECRETgitlabTOKEN42';
const JOB_TOKEN = 'glcbt-SECRETjobTOKEN42';

const server = fakeApis(afterEach);

function githubEnv(base: string, dir: string, event = 'pull_request.json'): Record<string, string> {
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'output.txt'), '');
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: base,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(FIXTURES, 'github', event),
    GITHUB_TOKEN: GH_TOKEN,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_OUTPUT: join(dir, 'output.txt'),
    GITHUB_RUN_ID: '1',
  };
}

/** Every byte secgate wrote: streams and every file in the job's directory. */
function everythingWritten(r: { stdout: string; stderr: string }, dir: string): string {
  return [r.stdout, r.stderr, ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))].join('\n');
}

describe('check in GitHub Actions', () => {
  it('annotations, job summary, step outputs and the sticky PR comment; exit code from the verdict; the token nowhere', async () => {
    const api = await server((r, res) => {
      if (r.headers['authorization'] !== `Bearer ${GH_TOKEN}`) return json(res, 401, { message: 'Bad credentials' });
      if (r.method === 'GET') return json(res, 200, []);
      if (r.method === 'POST') return json(res, 201, { id: 1, html_url: 'https://github.com/acme/shop/pull/42#issuecomment-1' });
      json(res, 404, {});
    });
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env: githubEnv(api.base, dir) });
    expect(r.code).toBe(1);
    const live = liveCommands(r.stdout).map((l) => parseCommand(l)!);
    expect(live.filter((c) => c.name === 'error').length).toBeGreaterThan(0);
    expect(live.every((c) => ['error', 'warning', 'notice'].includes(c.name))).toBe(true);
    expect(r.stdout).toContain('FAIL'); // the table is still printed, inert
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/FAIL/);
    const outputs = parseOutputFile(readFileSync(join(dir, 'output.txt'), 'utf8'));
    expect(outputs).toMatchObject({ verdict: 'fail', 'exit-code': '1', critical: '1', sarif: join(dir, 'secgate.sarif') });
    const post = api.requests.find((q) => q.method === 'POST')!;
    expect(JSON.parse(post.body).body).toMatch(/^<!-- secgate:comment -->\n/);
    expect(r.stderr).toMatch(/commented on pull request #42/);
    expect(everythingWritten(r, dir)).not.toContain(GH_TOKEN);
  });

  it('an API that fails (5xx) changes nothing but a warning line', async () => {
    const api = await server((_r, res) => json(res, 503, { message: 'Service Unavailable' }));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env: githubEnv(api.base, dir) });
    expect(r.code).toBe(1);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('secgate: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/HTTP 503.*the verdict is unchanged/);
    expect(everythingWritten(r, dir)).not.toContain(GH_TOKEN);
  });

  it('a passing gate stays 0 when the API is down', async () => {
    const api = await server((_r, res) => json(res, 500, {}));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const empty = join(dir, 'empty.sarif');
    writeFileSync(empty, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'semgrep' } }, results: [] }] }));
    const r = await runCli(['check', empty, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env: githubEnv(api.base, dir) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/secgate: warning: .*HTTP 500/);
  });

  it('--no-github: no annotations, no summary, no outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--no-github'], { env: githubEnv('http://127.0.0.1:9', dir) });
    expect(r.code).toBe(1);
    expect(liveCommands(r.stdout)).toEqual([]);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe('');
  });

  it('hostile finding text cannot inject a workflow command through any output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const evil = join(dir, 'evil.sarif');
    writeFileSync(
      evil,
      JSON.stringify({
        version: '2.1.0',
        runs: [{
          tool: { driver: { name: 'evil::tool,x', rules: [{ id: '##[set-output name=verdict;]pass' }] } },
          results: [
            { ruleId: '##[set-output name=verdict;]pass', level: 'error', message: { text: 'x\n::set-output name=verdict::pass\n%0A::error::forged\r\n::add-mask::y ##[error]legacy' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a,b:c.js' }, region: { startLine: 3 } } }] },
          ],
        }],
      }),
    );
    const r = await runCli(['check', evil, '--sarif', join(dir, 'secgate.sarif')], { env: githubEnv('http://127.0.0.1:9', dir) });
    expect(r.code).toBe(1);
    const live = liveCommands(r.stdout);
    expect(live).toHaveLength(1);
    const ann = parseCommand(live[0]!)!;
    expect(ann.name).toBe('error');
    expect(Object.keys(ann.props).sort()).toEqual(['file', 'line', 'title']);
    expect(ann.props['file']).toBe('src/a,b:c.js');
    expect(ann.data).toContain('::set-output name=verdict::pass');
    expect(parseOutputFile(readFileSync(join(dir, 'output.txt'), 'utf8'))['verdict']).toBe('fail');
  });
});

describe('secgate comment', () => {
  async function gatedLog(dir: string) {
    const sarif = join(dir, 'secgate.sarif');
    await runCli(['check', ...REPORTS, '--sarif', sarif, '--no-github']);
    return sarif;
  }

  it('GitLab: one sticky MR note with PRIVATE-TOKEN from the configured variable; no token in any output', async () => {
    const api = await server((r, res) => {
      if (r.headers['private-token'] !== GL_TOKEN) return json(res, 401, { message: '401 Unauthorized' });
      if (r.method === 'GET') return json(res, 200, [{ id: 8, body: '<!-- secgate:comment -->\nold' }]);
      if (r.method === 'PUT' && r.url === '/api/v4/projects/77/merge_requests/3/notes/8') return json(res, 200, { id: 8 });
      json(res, 404, {});
    });
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gl-'));
    const sarif = await gatedLog(dir);
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${api.base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', CI_JOB_TOKEN: JOB_TOKEN, NOTES_TOKEN: GL_TOKEN };
    const r = await runCli(['comment', '--from', sarif, '--gitlab-token-var', 'NOTES_TOKEN'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/updated the comment on merge request !3/);
    expect(JSON.parse(api.requests.at(-1)!.body).body).toMatch(/FAIL/);
    const all = everythingWritten(r, dir);
    expect(all).not.toContain(GL_TOKEN);
    expect(all).not.toContain(JOB_TOKEN);
  });

  it('GitLab with only CI_JOB_TOKEN: exit 2, one line saying why and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gl-'));
    const sarif = await gatedLog(dir);
    const r = await runCli(['comment', '--from', sarif], { env: { GITLAB_CI: 'true', CI_API_V4_URL: 'http://127.0.0.1:9/api/v4', CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', CI_JOB_TOKEN: JOB_TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/CI_JOB_TOKEN.*cannot|does not let the job token/);
    expect(r.stderr).not.toContain(JOB_TOKEN);
  });

  it('GitHub fork PR: falls back to the job summary, says so, exit 0', async () => {
    const api = await server((r, res) => (r.method === 'GET' ? json(res, 200, []) : json(res, 403, { message: 'Resource not accessible by integration' })));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const sarif = await gatedLog(dir);
    const r = await runCli(['comment', '--from', sarif], { env: githubEnv(api.base, dir, 'pull_request_fork.json') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/fork.*job summary/);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/FAIL/);
  });

  it('outside CI: exit 2 with what to do instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-'));
    const sarif = await gatedLog(dir);
    const r = await runCli(['comment', '--from', sarif], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not running in GitHub Actions or GitLab CI/);
  });

  it('a file that is not a SARIF log: exit 2 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-'));
    writeFileSync(join(dir, 'x.json'), '{"runs": 1}');
    const r = await runCli(['comment', '--from', join(dir, 'x.json')], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.json.*not a SARIF 2\.1\.0 log/);
  });
});

describe('check --comment on a fork PR in GitHub Actions', () => {
  it('the report is in the job summary once, with the note saying why there is no comment; exit code unchanged', async () => {
    const api = await server((r, res) => (r.method === 'GET' ? json(res, 200, []) : json(res, 403, { message: 'Resource not accessible by integration' })));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env: githubEnv(api.base, dir, 'pull_request_fork.json') });
    expect(r.code).toBe(1);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary.match(/FAIL —/g)).toHaveLength(1);
    expect(summary).toMatch(/could not comment on the pull request: this pull request comes from a fork/);
    expect(r.stderr).toMatch(/secgate: warning: could not comment/);
  });
});

describe('check --comment in GitLab CI', () => {
  it('with only CI_JOB_TOKEN: the verdict stands, one warning says why no note was posted, no token printed', async () => {
    const api = await server((_r, res) => json(res, 500, {}));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gl-'));
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${api.base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', CI_JOB_TOKEN: JOB_TOKEN };
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env });
    expect(r.code).toBe(1);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('secgate: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/SECGATE_GITLAB_TOKEN is not set \(CI_JOB_TOKEN is, but GitLab does not let the job token post merge request notes\)/);
    expect(api.requests).toHaveLength(0);
    expect(everythingWritten(r, dir)).not.toContain(JOB_TOKEN);
  });

  it('with a token: the note is created and check exits with the verdict', async () => {
    const api = await server((r, res) => (r.headers['private-token'] !== GL_TOKEN ? json(res, 401, {}) : r.method === 'GET' ? json(res, 200, []) : json(res, 201, { id: 5 })));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gl-'));
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${api.base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', CI_JOB_TOKEN: JOB_TOKEN, SECGATE_GITLAB_TOKEN: GL_TOKEN };
    const r = await runCli(['check', ...REPORTS, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/commented on merge request !3/);
    expect(api.requests.map((q) => q.method)).toEqual(['GET', 'POST']);
    // GitLab never sees workflow commands, and stdout has none.
    expect(r.stdout).not.toMatch(/^::/m);
    expect(everythingWritten(r, dir)).not.toContain(GL_TOKEN);
  });
});
