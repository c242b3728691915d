import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log, Run } from 'sarif';
import { firstSorted } from '../../src/policy/top.js';
import { gate } from '../../src/pipeline.js';
import { byImportance, findingRef } from '../../src/policy/evaluate.js';
import { fixedFindingsOf } from '../../src/policy/explain.js';
import { isFinding, isSuppressed } from '../../src/sarif/props.js';
import { SEVERITIES } from '../../src/sarif/severity.js';
import type { FindingRef } from '../../src/policy/verdict.js';
import { config, NOW, vulnRun, type Vuln } from './build.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const RUNS = fuzzRuns(200);

describe('firstSorted: the first k of a stable sort, without sorting everything', () => {
  it('equals [...items].sort(cmp).slice(0, k), ties in input order', () => {
    const item = fc.record({ key: fc.integer({ min: 0, max: 5 }), tag: fc.nat() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 400 }), fc.integer({ min: 0, max: 300 }), (items, k) => {
        const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
        expect(firstSorted(items, k, cmp)).toEqual([...items].sort(cmp).slice(0, k));
      }),
      { numRuns: RUNS },
    );
  });
});

// The reference the policy's threshold findings and the fixed list must equal: every matching
// result turned into a FindingRef, each class's most important one, all of them sorted.
function referenceTop(log: Log, top: number): FindingRef[] {
  const classes = new Map<string, FindingRef[]>();
  log.runs.forEach((run, ri) =>
    (run.results ?? []).forEach((result, i) => {
      if (!isFinding(result) || isSuppressed(result) || result.baselineState === 'absent') return;
      const key = result.correlationGuid ?? `${ri}:${i}`;
      classes.set(key, [...(classes.get(key) ?? []), findingRef(run, result)]);
    }),
  );
  return [...classes.values()].map((refs) => [...refs].sort(byImportance)[0]!).sort(byImportance).slice(0, top);
}

const vuln = fc.record({
  id: fc.constantFrom('CVE-2021-0001', 'CVE-2021-0002', 'cve-2021-0003', 'GHSA-aaaa-bbbb-cccc'),
  pkg: fc.constantFrom('a', 'b', 'C'),
  version: fc.constantFrom('1.0.0', '2.0.0'),
  severity: fc.constantFrom(...SEVERITIES),
  path: fc.constantFrom('package-lock.json', 'app/yarn.lock', 'Äpp/x'),
}) as fc.Arbitrary<Vuln>;
const runsOf = fc.tuple(fc.array(vuln, { maxLength: 12 }), fc.array(vuln, { maxLength: 12 })).map(([a, b]): Run[] => [vulnRun('grype', 'sca', a), vulnRun('trivy', 'container', b)]);

describe('threshold findings: one representative per class, the most important first', () => {
  it('name the same findings as sorting every sighting would', () => {
    fc.assert(
      fc.property(runsOf, fc.integer({ min: 1, max: 6 }), (runs, top) => {
        const { log, verdict } = gate({ runs, config: config(`policy: { explain_top: ${top}, fail_on: [ { max: 0 } ] }`), now: NOW });
        const reason = verdict.reasons.find((r) => r.code === 'threshold');
        const expected = referenceTop(log, top);
        expect(reason?.findings ?? []).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('fixedFindings lists the absent results as sorting all of them would', () => {
    fc.assert(
      fc.property(runsOf, fc.integer({ min: 1, max: 6 }), (runs, top) => {
        const log: Log = { version: '2.1.0', runs };
        runs.forEach((run) => run.results?.forEach((r, i) => i % 2 === 0 && (r.baselineState = 'absent')));
        const expected = runs.flatMap((run) => (run.results ?? []).filter((r) => r.baselineState === 'absent').map((r) => findingRef(run, r))).sort(byImportance).slice(0, top);
        expect(fixedFindingsOf(log.runs.flatMap((run) => (run.results ?? []).filter((r) => r.baselineState === 'absent').map((result) => ({ run, result }))), top)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});
