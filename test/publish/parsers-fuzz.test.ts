import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCi, type GithubCi } from '../../src/publish/ci-env.js';
import { nextLink, readPullRequest, repoPath } from '../../src/publish/github.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);

describe('what publishers parse from outside never crashes them', () => {
  it('Link headers: a next URL that was in the header, or nothing', () => {
    const link = fc.tuple(fc.webUrl(), fc.constantFrom('next', 'prev', 'last', 'first', 'next prev', '')).map(([u, rel]) => `<${u}>; rel="${rel}"`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(link).map((a) => a.join(', '))), (h) => {
        const n = nextLink(h);
        if (n !== undefined) expect(h).toContain(`<${n}>`);
      }),
      { numRuns: RUNS },
    );
  });

  it('event payloads: a PR number or nothing, whatever the JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-event-'));
    const base = detectCi({ GITHUB_ACTIONS: 'true' }) as GithubCi;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.record({ pull_request: fc.record({ number: fc.oneof(fc.integer(), fc.string()), head: fc.anything(), base: fc.anything() }, { requiredKeys: [] }) }).map((o) => JSON.stringify(o)), fc.string()), fc.option(fc.string()), async (text, ref) => {
        const path = join(dir, 'event.json');
        writeFileSync(path, text);
        const pr = await readPullRequest({ ...base, eventPath: path, ref: ref ?? undefined });
        if (pr) {
          expect(Number.isInteger(pr.number)).toBe(true);
          expect(typeof pr.fromFork).toBe('boolean');
        }
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  it('environments: always one of the three providers', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('GITHUB_ACTIONS', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH', 'GITLAB_CI', 'CI_API_V4_URL', 'CI_JOB_TOKEN', 'GITLAB_TOKEN', 'SECGATE_GITLAB_TOKEN', 'GITHUB_API_URL'), fc.oneof(fc.constant('true'), fc.string())), (env) => {
        expect(['github', 'gitlab', 'local']).toContain(detectCi(env).provider);
      }),
      { numRuns: RUNS },
    );
  });

  it('artifact URIs: a relative path inside the repository, or no file at all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.constantFrom('%2F', '%2E', '..', '/', 'a', '\\', 'C%3A', 'file:')).map((a) => a.join(''))), (uri) => {
        const p = repoPath(uri);
        if (p !== undefined) {
          expect(p.startsWith('/')).toBe(false);
          expect(p.split(/[\\/]/)).not.toContain('..');
          expect(p).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
