import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCi } from '../../src/publish/ci-env.js';
import { postComment } from '../../src/publish/comment.js';
import { PublishError } from '../../src/publish/http.js';
import { fakeApis, json, type Recorded } from './fake-api.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'github');
const TOKEN = 'ghs_TESTTOKEN0123456789';
const MARKER = '<!-- secgate:comment -->';

const server = fakeApis(afterEach);

function ciFor(base: string, event = 'pull_request.json', extra: Record<string, string> = {}) {
  return detectCi({ GITHUB_ACTIONS: 'true', GITHUB_API_URL: base, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(FIXTURES, event), GITHUB_TOKEN: TOKEN, ...extra });
}

const render = (max: number) => `## secgate: FAIL\n\nbody within ${max} chars`;

function authOk(r: Recorded): boolean {
  return r.headers['authorization'] === `Bearer ${TOKEN}` && r.headers['accept'] === 'application/vnd.github+json' && r.headers['x-github-api-version'] === '2022-11-28';
}

describe('sticky PR comment (GitHub REST)', () => {
  it('creates the comment when none carries the marker', async () => {
    const api = await server((r, res) => {
      if (!authOk(r)) return json(res, 401, { message: 'Bad credentials' });
      if (r.method === 'GET' && r.url.startsWith('/repos/acme/shop/issues/42/comments')) return json(res, 200, [{ id: 1, body: 'LGTM', user: { type: 'User' } }]);
      if (r.method === 'POST' && r.url === '/repos/acme/shop/issues/42/comments') return json(res, 201, { id: 555, html_url: 'https://github.com/acme/shop/pull/42#issuecomment-555' });
      json(res, 404, { message: 'Not Found' });
    });
    const r = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 });
    expect(r).toEqual({ status: 'posted', action: 'created', where: 'pull request #42', url: 'https://github.com/acme/shop/pull/42#issuecomment-555' });
    const post = api.requests.find((q) => q.method === 'POST')!;
    const body = JSON.parse(post.body).body as string;
    expect(body.startsWith(`${MARKER}\n## secgate: FAIL`)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(api.requests[0]!.url).toContain('per_page=100');
  });

  it('finds the marker on page 2 (Link rel="next") and updates that comment in place', async () => {
    const api = await server((r, res, base) => {
      if (!authOk(r)) return json(res, 401, { message: 'Bad credentials' });
      if (r.method === 'GET' && r.url === '/repos/acme/shop/issues/42/comments?per_page=100') {
        return json(res, 200, Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `comment ${i}`, user: { type: 'User' } })), { Link: `<${base}/repositories/1/issues/42/comments?per_page=100&page=2>; rel="next", <${base}/repositories/1/issues/42/comments?per_page=100&page=2>; rel="last"` });
      }
      if (r.method === 'GET' && r.url === '/repositories/1/issues/42/comments?per_page=100&page=2') return json(res, 200, [{ id: 777, body: `${MARKER}\nold report`, user: { type: 'Bot' } }]);
      if (r.method === 'PATCH' && r.url === '/repos/acme/shop/issues/comments/777') return json(res, 200, { id: 777, html_url: 'https://github.com/acme/shop/pull/42#issuecomment-777' });
      json(res, 404, { message: 'Not Found' });
    });
    const r = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 });
    expect(r).toMatchObject({ status: 'posted', action: 'updated' });
    expect(api.requests.map((q) => q.method)).toEqual(['GET', 'GET', 'PATCH']);
    expect(api.requests.every(authOk)).toBe(true);
    expect(JSON.parse(api.requests[2]!.body).body).toContain('## secgate: FAIL');
    expect(api.requests.some((q) => q.method === 'POST')).toBe(false);
  });

  it('a keyed comment only matches its own key', async () => {
    const api = await server((r, res) => {
      if (r.method === 'GET') return json(res, 200, [{ id: 9, body: `${MARKER}\nother job`, user: { type: 'Bot' } }]);
      if (r.method === 'POST') return json(res, 201, { id: 10 });
      json(res, 404, {});
    });
    const r = await postComment({ ci: ciFor(api.base), render, key: 'api', timeoutMs: 5000 });
    expect(r).toMatchObject({ action: 'created' });
    expect(JSON.parse(api.requests[1]!.body).body.startsWith('<!-- secgate:comment key=api -->')).toBe(true);
  });

  it('never follows a pagination link to another host (the token would go with it)', async () => {
    const api = await server((r, res) => {
      if (r.method === 'GET') return json(res, 200, [], { Link: '<https://evil.example.net/steal?page=2>; rel="next"' });
      if (r.method === 'POST') return json(res, 201, { id: 1 });
      json(res, 404, {});
    });
    await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 });
    expect(api.requests.map((q) => q.method)).toEqual(['GET', 'POST']);
  });

  it('fork PR: the read-only token gets 403 "Resource not accessible by integration" → the report goes to the job summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const api = await server((r, res) => {
      if (r.method === 'GET') return json(res, 200, []);
      json(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '403' });
    });
    const r = await postComment({ ci: ciFor(api.base, 'pull_request_fork.json', { GITHUB_STEP_SUMMARY: summary }), render, timeoutMs: 5000 });
    expect(r.status).toBe('fallback');
    expect((r as { message: string }).message).toMatch(/fork.*read-only.*job summary/);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('earlier step\n')).toBe(true);
    expect(text).toContain('## secgate: FAIL');
    expect(text).toContain('could not comment on the pull request');
  });

  it('a push event has no PR: skipped, nothing requested', async () => {
    const api = await server((_r, res) => json(res, 500, {}));
    const r = await postComment({ ci: ciFor(api.base, 'push.json', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }), render, timeoutMs: 5000 });
    expect(r.status).toBe('skipped');
    expect(api.requests).toHaveLength(0);
  });

  it('the PR number also comes from refs/pull/<n>/merge when the payload is missing', async () => {
    const api = await server((r, res) => (r.method === 'GET' ? json(res, 200, []) : json(res, 201, { id: 1 })));
    const r = await postComment({ ci: ciFor(api.base, 'missing.json', { GITHUB_REF: 'refs/pull/9/merge' }), render, timeoutMs: 5000 });
    expect(r).toMatchObject({ status: 'posted', where: 'pull request #9' });
    expect(api.requests[0]!.url).toContain('/issues/9/comments');
  });

  it('5xx: a PublishError naming the API answer, never the token', async () => {
    const api = await server((_r, res) => json(res, 502, { message: `upstream failed for Bearer ${TOKEN}` }));
    const e = await postComment({ ci: ciFor(api.base), render, timeoutMs: 5000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PublishError);
    expect((e as PublishError).status).toBe(502);
    expect((e as PublishError).oneLine()).toMatch(/GitHub: cannot list PR comments: HTTP 502/);
  });

  it('a timeout: a PublishError, quickly', async () => {
    const api = await server(() => undefined); // never answers
    const e = await postComment({ ci: ciFor(api.base), render, timeoutMs: 300 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PublishError);
    expect((e as PublishError).oneLine()).toMatch(/no answer within/);
  });

  it('no token: says how to pass one', async () => {
    const api = await server((_r, res) => json(res, 500, {}));
    const ci = detectCi({ GITHUB_ACTIONS: 'true', GITHUB_API_URL: api.base, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: join(FIXTURES, 'pull_request.json') });
    const e = await postComment({ ci, render, timeoutMs: 5000 }).catch((x: unknown) => x);
    expect((e as PublishError).oneLine()).toMatch(/GITHUB_TOKEN is not set.*pull-requests: write/);
  });
});
