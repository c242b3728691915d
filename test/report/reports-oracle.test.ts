import fc from 'fast-check';
import type { Log } from 'sarif';
import type { ThresholdRule } from '../../src/config/sections/policy.js';
import { afterAll, describe, expect, it } from 'vitest';
import { complianceGroups } from '../../src/compliance/group.js';
import { complianceReporter } from '../../src/compliance/reporter.js';
import { ResultSpool } from '../../src/io/result-spool.js';
import { FirstSortedHeap } from '../../src/policy/top.js';
import { codeQualityReporter, renderCodeQuality } from '../../src/report/codequality.js';
import { renderConsole } from '../../src/report/console.js';
import { renderHtml } from '../../src/report/html.js';
import { junitReporter, renderJunit } from '../../src/report/junit.js';
import { findingsLog, spooledLog, type GeneratedLog } from '../helpers/findings-log.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { renderCodeQuality as oracleCodeQuality } from './codequality-oracle.js';
import { complianceGroups as oracleComplianceGroups } from './compliance-oracle.js';
import { renderConsole as oracleConsole } from './console-oracle.js';
import { renderHtml as oracleHtml } from './html-oracle.js';
import { renderJunit as oracleJunit } from './junit-oracle.js';

const spool = ResultSpool.create();
afterAll(() => spool.close());

/** findingsLog, its runs sometimes failed (optional or not) so JUnit writes its scanner-run cases. */
const reportsLog: fc.Arbitrary<GeneratedLog> = fc
  .tuple(findingsLog, fc.array(fc.constantFrom('ok', 'failed', 'optional'), { minLength: 3, maxLength: 3 }))
  .map(([g, states]) => {
    const runs = g.log.runs.map((run, i) => {
      const state = states[i]!;
      if (state === 'ok') return run;
      const failed = { ...run, invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ message: { text: 'boom\n<x> & "y"' } }] }] };
      return state === 'optional' ? { ...failed, properties: { optional: true } } : failed;
    });
    return { ...g, log: { ...g.log, runs } };
  });

/** The fail_on rules JUnit and Code Quality mark violations by (a verdict's threshold reasons name none: every rule counts without one). */
const failOn = fc.constantFrom<ThresholdRule[] | undefined>(undefined, [{ severity: 'medium' }], [{ severity: 'low' }, { tools: ['trivy'] }]);

/** Each report of `log` (spooled or in memory) and of the oracles on `hydrated`: the same bytes. */
function sameReports(log: Log, hydrated: Log, opts: { failOn?: ThresholdRule[]; maxFindings: number }): void {
  const streamed = (r: typeof codeQualityReporter, l: Log) => [...r.chunks!(l, { color: false, ...(opts.failOn ? { failOn: opts.failOn } : {}) })].join('');
  const cq = `${JSON.stringify(oracleCodeQuality(hydrated), null, 2)}\n`;
  expect(streamed(codeQualityReporter, log)).toBe(cq);
  expect(codeQualityReporter.render(log, { color: false })).toBe(cq);
  expect(renderCodeQuality(log)).toEqual(oracleCodeQuality(hydrated));
  const junit = oracleJunit(hydrated, { failOn: opts.failOn });
  expect(streamed(junitReporter, log)).toBe(junit);
  expect(renderJunit(log, { failOn: opts.failOn })).toBe(junit);
  expect(renderHtml(log, { maxFindings: opts.maxFindings, title: 'T' })).toBe(oracleHtml(hydrated, { maxFindings: opts.maxFindings, title: 'T' }));
  for (const color of [false, true]) expect(renderConsole(log, { color })).toBe(oracleConsole(hydrated, { color }));
  expect(complianceGroups(log)).toEqual(oracleComplianceGroups(hydrated));
}

describe('reports walk the log lazily (spooled or not) and write what the old ones wrote', () => {
  it('codequality, junit, html, console, compliance on generated logs, in memory and through a real spool with spooled rules', () => {
    fc.assert(
      fc.property(reportsLog, failOn, fc.constantFrom(0, 1, 3, 10, 25, 60, 20_000), (g, rules, maxFindings) => {
        const opts = { ...(rules ? { failOn: rules } : {}), maxFindings };
        sameReports(g.log, g.log, opts);
        const { spooled, hydrated } = spooledLog(g, spool);
        sameReports(spooled, hydrated, opts);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('an empty log: codequality is "[]" and every report still renders the same', () => {
    const log: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'Grype' } }, results: [] }] };
    expect(codeQualityReporter.render(log, { color: false })).toBe('[]\n');
    sameReports(log, log, { maxFindings: 20_000 });
    expect(complianceReporter.render(log, { color: false })).toContain('No open finding');
  });
});

describe('FirstSortedHeap', () => {
  it('keeps the first k of a stable sort (ties in arrival order) and counts every item', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), id: fc.nat() }), { maxLength: 200 }), fc.integer({ min: 0, max: 60 }), (items, k) => {
        const cmp = (a: { key: number }, b: { key: number }) => a.key - b.key;
        const top = new FirstSortedHeap(k, cmp);
        for (const x of items) top.add(x);
        expect(top.sorted()).toEqual([...items].sort(cmp).slice(0, k));
        expect(top.count).toBe(items.length);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
