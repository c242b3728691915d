import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Log } from 'sarif';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, fakeEnv, project } from '../runners/fakes.js';
import { fuzzRuns } from '../helpers/fuzz.js';

// Scanner behaviour generated here rather than stored: exit codes and report contents the project's
// fixtures do not have, judged against each tool's documented meaning of its exit codes.
// Each run starts fake scanner processes: the nightly run widens it, within reason.
const RUNS = fuzzRuns(5, { max: 100 });

/** Documented: grype 0 = ok, 2 = --fail-on tripped (findings), else error; trivy (no --exit-code) 0 only; ZAP 0/1/2 results, 3 failure. */
const OK = { grype: [0, 2], trivy: [0], zap: [0, 1, 2] } as const;

describe('secgate run over generated scanner behaviour', () => {
  test('random exit codes: exit 2 exactly when a required scanner\'s code means failure; optional failures only warn', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          grype: fc.constantFrom(0, 1, 2, 3, 125),
          trivy: fc.constantFrom(0, 1, 2),
          zap: fc.constantFrom(0, 1, 2, 3),
          optional: fc.subarray(['grype', 'trivy', 'zap'] as const),
        }),
        async ({ grype, trivy, zap, optional }) => {
          const opt = (id: string) => (optional.includes(id as never) ? ', optional: true' : '');
          const dir = project(`scanners:\n  grype: { target: "alpine:3.16"${opt('grype')} }\n  trivy: { target: "alpine:3.16"${opt('trivy')} }\n  zap: { target: "https://shop.example.test"${opt('zap')} }\n`);
          const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_GRYPE_EXIT: String(grype), FAKE_TRIVY_EXIT: String(trivy), FAKE_ZAP_EXIT: String(zap) }) });
          const failed = (['grype', 'trivy', 'zap'] as const).filter((id) => !(OK[id] as readonly number[]).includes({ grype, trivy, zap }[id]));
          const requiredFailed = failed.filter((id) => !optional.includes(id));
          // Every successful scanner's fixture report has high/critical findings: the policy fails.
          const expected = requiredFailed.length ? 2 : failed.length === 3 ? 0 : 1;
          expect(r.code).toBe(expected);
          expect((r.stderr.match(/^secgate: error: /gm) ?? []).length).toBe(requiredFailed.length);
          expect((r.stderr.match(/^secgate: warning: /gm) ?? []).length).toBe(failed.length - requiredFailed.length);
          const log = JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8')) as Log;
          const unsuccessful = log.runs.filter((run) => run.invocations?.[0]?.executionSuccessful === false).length;
          expect(unsuccessful).toBe(failed.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('random subsets of a Grype report: one result per match, and the verdict follows their severities', async () => {
    const base = JSON.parse(readFileSync(join(FIXTURES, 'reports', 'grype.json'), 'utf8')) as { matches: { vulnerability: { severity: string } }[] };
    const dir0 = mkdtempSync(join(tmpdir(), 'secgate-gen-'));
    mkdirSync(dir0, { recursive: true });
    await fc.assert(
      fc.asyncProperty(fc.subarray(base.matches.map((_, i) => i)), fc.constantFrom('Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'), async (keep, relabel) => {
        const matches = keep.map((i, n) => {
          const m = structuredClone(base.matches[i]!);
          // Some matches get a generated severity, so the verdict is not just the fixture's.
          if (n === 0) m.vulnerability.severity = relabel;
          return m;
        });
        const file = join(dir0, `grype-${keep.join('-')}-${relabel}.json`);
        writeFileSync(file, JSON.stringify({ ...base, matches }));
        const dir = project('scanners:\n  grype: { target: "alpine:3.16" }\n');
        const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv({ FAKE_GRYPE_REPORT: file }) });
        const log = JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8')) as Log;
        expect(log.runs[0]!.results).toHaveLength(matches.length);
        // Default policy: fail on high or above; grype's Unknown becomes medium (policy.unknown_severity).
        const failing = matches.some((m) => ['Critical', 'High'].includes(m.vulnerability.severity));
        expect(r.code).toBe(failing ? 1 : 0);
      }),
      { numRuns: RUNS },
    );
  });
});
