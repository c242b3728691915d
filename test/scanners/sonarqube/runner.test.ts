import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from 'sarif';
import { ScannerError } from '../../../src/errors.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { isSuppressed } from '../../../src/sarif/props.js';
import type { RunnerContext } from '../../../src/runners/types.js';
import { createSonarqubeRunner, type SonarqubeRunConfig } from '../../../src/scanners/sonarqube/runner.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';
import { FakeSonarQube, type FakeOptions } from './fake-sonarqube.js';

const TOKEN = 'squ_5ecr3tT0kenValue0123456789abcdef';
const BIN = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'bin');
const runner = createSonarqubeRunner({ pollInitialMs: 5, pollMaxMs: 20, requestTimeoutMs: 2000 });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(o: Partial<FakeOptions> = {}, reportTask = true) {
  const fake = new FakeSonarQube({
    version: '10.7.0.96327', token: TOKEN, projectKey: 'shop-api', taskId: 'AYtask-1', analysisId: 'AYanalysis-1',
    ceStates: ['PENDING', 'IN_PROGRESS', 'SUCCESS'], issues: 3, hotspots: 2, ...o,
  });
  const url = await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'secgate-sonar-'));
  cleanups.push(() => fake.stop(), () => rmSync(dir, { recursive: true, force: true }));
  if (reportTask) {
    mkdirSync(join(dir, '.scannerwork'));
    writeFileSync(join(dir, '.scannerwork', 'report-task.txt'), [
      'projectKey=shop-api', `serverUrl=${url}`, `serverVersion=${o.version ?? '10.7.0.96327'}`,
      `dashboardUrl=${url}/dashboard?id=shop-api`, 'ceTaskId=AYtask-1', `ceTaskUrl=${url}/api/ce/task?id=AYtask-1`, '',
    ].join('\n'));
  }
  const progress: string[] = [];
  const ctx: RunnerContext = {
    cwd: dir, env: { SONAR_TOKEN: TOKEN, PATH: process.env['PATH'] ?? '' }, workDir: dir, timeoutMs: 60_000,
    signal: new AbortController().signal, progress: (m) => progress.push(m), unknownSeverity: 'medium', ci: {}, now: () => new Date('2026-11-23T12:00:00Z'),
  };
  return { fake, url, dir, ctx, progress };
}

async function failure(p: Promise<unknown>): Promise<ScannerError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ScannerError);
    return e as ScannerError;
  }
  throw new Error('expected a ScannerError');
}

function noToken(x: unknown): void {
  expect(JSON.stringify(x)).not.toContain(TOKEN);
  expect(JSON.stringify(x)).not.toContain(Buffer.from(`${TOKEN}:`).toString('base64'));
}

describe('SonarQube runner against a local server that answers like the Web API', () => {
  it('10.x: Bearer token, waits PENDING → IN_PROGRESS → SUCCESS, then quality gate, issues (components=, issueStatuses=) and hotspots', async () => {
    const { fake, ctx, progress } = await setup();
    const runs = await runner.run({}, ctx);
    const run: Run = runs[0]!;
    expect(run.tool.driver.name).toBe('SonarQube');
    expect(run.results).toHaveLength(5);
    expect(run.results!.filter(isSuppressed)).toHaveLength(1); // hotspot 1 reviewed SAFE
    expect(run.properties?.['qualityGate']).toMatchObject({ status: 'OK', projectKey: 'shop-api', analysisId: 'AYanalysis-1' });
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);

    const paths = fake.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/api/ce/task')).toHaveLength(3);
    expect(paths.indexOf('/api/qualitygates/project_status')).toBeGreaterThan(paths.lastIndexOf('/api/ce/task'));
    const issues = fake.requests.find((r) => r.path === '/api/issues/search')!;
    expect(issues.query).toMatchObject({ components: 'shop-api', issueStatuses: 'OPEN,CONFIRMED,ACCEPTED,FALSE_POSITIVE', p: '1', ps: '500' });
    expect(issues.query['componentKeys']).toBeUndefined();
    expect(fake.requests.find((r) => r.path === '/api/hotspots/search')!.query).toMatchObject({ project: 'shop-api', p: '1', ps: '500' });
    expect(fake.requests.filter((r) => r.path !== '/api/server/version').every((r) => r.auth === 'Bearer')).toBe(true);
    expect(progress.join('\n')).toMatch(/pending|in progress/);
    noToken(runs);
    noToken(progress);
  });

  it('9.9 LTS: basic auth with the token as login, componentKeys= and statuses=', async () => {
    const { fake, ctx } = await setup({ version: '9.9.8.100196' });
    const runs = await runner.run({}, ctx);
    expect(runs[0]!.results).toHaveLength(5);
    expect(runs[0]!.tool.driver.version).toBe('9.9.8.100196');
    const issues = fake.requests.find((r) => r.path === '/api/issues/search')!;
    expect(issues.query).toMatchObject({ componentKeys: 'shop-api', statuses: 'OPEN,CONFIRMED,REOPENED,RESOLVED' });
    expect(fake.requests.find((r) => r.path === '/api/hotspots/search')!.query).toMatchObject({ projectKey: 'shop-api' });
    expect(fake.requests.filter((r) => r.path !== '/api/server/version').every((r) => r.auth === 'Basic')).toBe(true);
  });

  it('auth: basic forces the 9.9 scheme on a 10.x server (both are accepted there)', async () => {
    const { fake, ctx } = await setup();
    await runner.run({ auth: 'basic' }, ctx);
    expect(fake.requests.filter((r) => r.path !== '/api/server/version').every((r) => r.auth === 'Basic')).toBe(true);
  });

  it('more than 10,000 issues: every issue read once, no page beyond the cap asked, the query split by creation date', async () => {
    const { fake, ctx } = await setup({ issues: 12_345, hotspots: 0 });
    const runs = await runner.run({}, ctx);
    const results = runs[0]!.results!;
    expect(results).toHaveLength(12_345);
    expect(new Set(results.map((r) => r.properties?.['sonarKey'])).size).toBe(12_345);
    const searches = fake.requests.filter((r) => r.path === '/api/issues/search');
    expect(searches.every((r) => Number(r.query['p']) * Number(r.query['ps']) <= 10_000)).toBe(true);
    expect(searches.some((r) => r.query['createdAfter'] && r.query['createdBefore'])).toBe(true);
  });

  it('the scope is what was analysed: a pull request from the CE task goes to every search', async () => {
    const { fake, ctx } = await setup({ ceExtra: { pullRequest: '42' } });
    await runner.run({}, ctx);
    for (const p of ['/api/issues/search', '/api/hotspots/search']) expect(fake.requests.find((r) => r.path === p)!.query['pullRequest']).toBe('42');
    // and config overrides it
    const second = await setup({ ceExtra: { branch: 'main', branchType: 'BRANCH' } });
    await runner.run({ branch: 'release/2.0' } as SonarqubeRunConfig, second.ctx);
    expect(second.fake.requests.find((r) => r.path === '/api/issues/search')!.query['branch']).toBe('release/2.0');
    // the CI's branch alone does not scope the queries (Community Edition analyses have no branch)
    const third = await setup();
    third.ctx.ci = { provider: 'github', branch: 'feature/x', pullRequest: '7' };
    await runner.run({}, third.ctx);
    const q = third.fake.requests.find((r) => r.path === '/api/issues/search')!.query;
    expect(q['branch']).toBeUndefined();
    expect(q['pullRequest']).toBeUndefined();
  });

  it.each([
    ['FAILED', /ended FAILED: Java heap space — open the background task/],
    ['CANCELED', /ended CANCELED — the task was cancelled/],
  ])('a CE task that ends %s is a ScannerError with one line', async (state, line) => {
    const { ctx } = await setup({ ceStates: ['PENDING', state] });
    const e = await failure(runner.run({}, ctx));
    expect(e.oneLine()).toMatch(line);
    expect(e.oneLine().split('\n')).toHaveLength(1);
  });

  it('a CE task that never finishes is bounded by `wait`', async () => {
    const { ctx } = await setup({ ceStates: ['IN_PROGRESS'] });
    const e = await failure(runner.run({ wait: '100ms' }, ctx));
    expect(e.oneLine()).toMatch(/still IN_PROGRESS after \d+s — raise scanners\.sonarqube\.wait/);
  });

  it.each([
    ['a wrong token (401)', { token: 'another-token' }, /api\/ce\/task\?id=AYtask-1 answered 401.*— the token was refused/],
    ['no permission (403)', { failures: { '/api/issues/search': { status: 403, body: '{"errors":[{"msg":"Insufficient privileges"}]}' } } }, /answered 403 Forbidden: Insufficient privileges — the token lacks permission/],
    ['an unknown task (404)', { taskId: 'other' }, /answered 404 Not Found: No activity found for task 'AYtask-1' — not found/],
    ['a server error (500)', { failures: { '/api/qualitygates/project_status': { status: 500, body: '' } } }, /answered 500 Internal Server Error — the SonarQube server failed/],
    ['a redirect (the token is not sent on)', { failures: { '/api/qualitygates/project_status': { status: 302, body: '' } } }, /answered 302 \(a redirect\) — set scanners\.sonarqube\.url/],
    ['malformed JSON', { failures: { '/api/hotspots/search': { status: 200, body: '<html>login</html>' } } }, /answered with something that is not JSON/],
  ] as const)('%s: one clear line, never the token', async (_what, o, line) => {
    const { ctx } = await setup(o as Partial<FakeOptions>);
    const e = await failure(runner.run({}, ctx));
    expect(e.oneLine()).toMatch(line);
    expect(e.oneLine().split('\n')).toHaveLength(1);
    noToken(e.oneLine());
    noToken(e.message);
  });

  it('a server that does not answer: the request times out with a clear line', async () => {
    const { ctx } = await setup({ failures: { '/api/ce/task': { status: 0, hang: true } } });
    const slow = createSonarqubeRunner({ pollInitialMs: 5, pollMaxMs: 20, requestTimeoutMs: 200 });
    const e = await failure(slow.run({}, ctx));
    expect(e.oneLine()).toMatch(/api\/ce\/task\?id=AYtask-1 did not answer within 0s|did not answer within/);
  });

  it('no report-task.txt, no token: ScannerErrors that say what to do', async () => {
    const a = await setup({}, false);
    expect((await failure(runner.run({}, a.ctx))).oneLine()).toMatch(/report-task\.txt not found — run sonar-scanner before secgate/);
    const b = await setup();
    expect((await failure(runner.run({ token_env: 'MY_SONAR' }, b.ctx))).oneLine()).toMatch(/MY_SONAR is not set/);
  });

  it('a server URL with credentials in it: never shown, never in the SARIF', async () => {
    const { ctx, url } = await setup();
    const withCreds = url.replace('http://', `http://admin:${TOKEN}@`);
    const runs = await runner.run({ url: withCreds }, ctx);
    noToken(runs);
  });

  it('scanner: true runs sonar-scanner (the token in its environment, not its arguments) and reads the task it submitted', async () => {
    const { fake, ctx, url, dir } = await setup({}, false);
    const argsLog = join(dir, 'args.log');
    ctx.env = { ...ctx.env, PATH: `${BIN}${delimiter}${ctx.env['PATH']}`, FAKE_SONAR_CE_TASK_ID: 'AYtask-1', FAKE_SONAR_ARGS_LOG: argsLog };
    const records: string[] = [];
    ctx.record = (r) => records.push(r.commandLine);
    const runs = await runner.run({ scanner: true, url, project_key: 'shop-api' }, ctx);
    expect(runs[0]!.results).toHaveLength(5);
    expect(records[0]).toMatch(/^sonar-scanner -Dsonar\.host\.url=http:\/\/127\.0\.0\.1:\d+ -Dsonar\.projectKey=shop-api$/);
    noToken(records);
    expect(fake.requests.some((r) => r.path === '/api/ce/task')).toBe(true);
  });
});
