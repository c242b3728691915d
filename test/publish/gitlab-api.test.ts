import { afterEach, describe, expect, it } from 'vitest';
import { detectCi } from '../../src/publish/ci-env.js';
import { postComment } from '../../src/publish/comment.js';
import { PublishError } from '../../src/publish/http.js';
import { fakeApis, json } from './fake-api.js';

const TOKEN = 'glpat-TESTTOKEN0123456789';
const MARKER = '<!-- secgate:comment -->';
const server = fakeApis(afterEach);
const render = (max: number) => `## secgate: PASS (${max})`;
const ciFor = (base: string, extra: Record<string, string> = {}) =>
  detectCi({ GITLAB_CI: 'true', CI_API_V4_URL: `${base}/api/v4`, CI_PROJECT_ID: 'group/shop', CI_MERGE_REQUEST_IID: '5', CI_JOB_TOKEN: 'jobtok', SECGATE_GITLAB_TOKEN: TOKEN, ...extra });

describe('sticky MR note (GitLab notes API)', () => {
  it('finds the marker on page 2 (X-Next-Page) and PUTs the note; PRIVATE-TOKEN on every request', async () => {
    const notesPath = '/api/v4/projects/group%2Fshop/merge_requests/5/notes';
    const api = await server((r, res) => {
      if (r.headers['private-token'] !== TOKEN) return json(res, 401, { message: '401 Unauthorized' });
      const u = new URL(r.url, 'http://x');
      if (r.method === 'GET' && u.pathname === notesPath && u.searchParams.get('page') === '1') {
        return json(res, 200, [{ id: 1, body: `${MARKER} quoted by a system note`, system: true }, { id: 2, body: 'looks good' }], { 'X-Next-Page': '2', 'X-Page': '1' });
      }
      if (r.method === 'GET' && u.pathname === notesPath && u.searchParams.get('page') === '2') return json(res, 200, [{ id: 31, body: `${MARKER}\nold` }], { 'X-Next-Page': '', 'X-Page': '2' });
      if (r.method === 'PUT' && u.pathname === `${notesPath}/31`) return json(res, 200, { id: 31 });
      json(res, 404, { message: '404 Not found' });
    });
    const r = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 });
    expect(r).toEqual({ status: 'posted', action: 'updated', where: 'merge request !5' });
    expect(api.requests.map((q) => q.method)).toEqual(['GET', 'GET', 'PUT']);
    expect(api.requests.every((q) => q.headers['private-token'] === TOKEN && !('job-token' in q.headers))).toBe(true);
    expect(JSON.parse(api.requests[2]!.body).body).toBe(`${MARKER}\n## secgate: PASS (${1_000_000 - MARKER.length - 1})`);
  });

  it('creates the note when none carries the marker', async () => {
    const api = await server((r, res) => (r.method === 'GET' ? json(res, 200, []) : r.method === 'POST' ? json(res, 201, { id: 99 }) : json(res, 404, {})));
    const r = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 });
    expect(r).toMatchObject({ action: 'created' });
  });

  it('only CI_JOB_TOKEN: explains that it cannot post notes, asks for an access token in the configured variable', async () => {
    const api = await server((_r, res) => json(res, 500, {}));
    const e = await postComment({ ci: ciFor(api.base, { SECGATE_GITLAB_TOKEN: '' }), render, timeoutMs: 5000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PublishError);
    expect((e as PublishError).oneLine()).toMatch(/SECGATE_GITLAB_TOKEN is not set \(CI_JOB_TOKEN is, but GitLab does not let the job token post merge request notes\)/);
    expect(api.requests).toHaveLength(0);
  });

  it('not an MR pipeline: skipped', async () => {
    const r = await postComment({ ci: ciFor('http://127.0.0.1:9', { CI_MERGE_REQUEST_IID: '' }), render, timeoutMs: 5000 });
    expect(r.status).toBe('skipped');
  });

  it('403 on POST: a PublishError with what to do', async () => {
    const api = await server((r, res) => (r.method === 'GET' ? json(res, 200, []) : json(res, 403, { message: '403 Forbidden' })));
    const e = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 }).catch((x: unknown) => x);
    expect((e as PublishError).oneLine()).toMatch(/GitLab: cannot create the MR note: HTTP 403: 403 Forbidden — .*api/);
  });
});
