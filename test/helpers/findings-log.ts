import fc from 'fast-check';
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { embedVerdict, type Verdict } from '../../src/policy/verdict.js';
import { SEVERITIES } from '../../src/sarif/severity.js';
import { SpooledRuleStore } from '../../src/sarif/spooled-rules.js';
import { summarise } from '../../src/sarif/summary.js';
import { hydrateLog } from './hydrate.js';
import { realSpooled } from './fake-spooled.js';

/**
 * Logs for the lazy-walk oracles (annotations, markdown): few distinct values per field, so
 * classes share correlationGuids, severities and scores tie, and bySeverity's keys collide.
 */
const guid = fc.constantFrom(undefined, 'g-1', 'g-2', 'g-3', 'g-4', 'g-5', '__proto__');
const score = fc.constantFrom(undefined, '9.8', '9.1', '7.5', '7.5', '5.0', '0', 'x', '');
const day = fc.constantFrom('2026-11-30', '2026-12-01', '2027-03-01', 'not a date');
const suppression = fc.record(
  {
    kind: fc.constantFrom('external', 'inSource'),
    status: fc.constantFrom(undefined, 'accepted', 'underReview', 'rejected'),
    justification: fc.constantFrom(undefined, 'why | not', 'risk accepted'),
    properties: fc.option(fc.record({ expires: day }), { nil: undefined }),
  },
  { requiredKeys: ['kind'] },
);
const ruleId = fc.constantFrom(undefined, 'R1', 'R2', 'R3', 'CVE-1', '__proto__');

function result(nRules: number): fc.Arbitrary<Result> {
  return fc
    .record({
      ruleId,
      ruleIndex: fc.option(fc.integer({ min: -1, max: nRules + 1 }), { nil: undefined }),
      text: fc.constantFrom('found it', 'x\ny', '::error::forged', 'a | b'),
      uri: fc.constantFrom(undefined, 'src/a.ts', 'src/b.ts', '/abs/x.ts', 'https://e.test/p', '../up.ts', 'src/%2E%2E/c.ts'),
      line: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      severity: fc.constantFrom(undefined, ...SEVERITIES),
      score,
      pkg: fc.constantFrom(undefined, 'lodash', 'zlib'),
      fixed: fc.constantFrom(undefined, [], ['1.2.3'], ['2', '3']),
      guid,
      suppressions: fc.option(fc.array(suppression, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      baselineState: fc.constantFrom(undefined, undefined, 'new', 'new', 'unchanged', 'updated', 'absent'),
    })
    .map((g) => {
      const properties: Record<string, unknown> = {};
      if (g.severity) properties['severity'] = g.severity;
      if (g.score !== undefined) properties['security-severity'] = g.score;
      if (g.pkg) Object.assign(properties, { packageName: g.pkg, packageVersion: '1.0.0' });
      if (g.fixed) properties['fixedVersions'] = g.fixed;
      const r: Result = { message: { text: g.text } };
      if (g.ruleId !== undefined) r.ruleId = g.ruleId;
      if (g.ruleIndex !== undefined) r.ruleIndex = g.ruleIndex;
      if (g.uri !== undefined) r.locations = [{ physicalLocation: { artifactLocation: { uri: g.uri }, ...(g.line ? { region: { startLine: g.line } } : {}) } }];
      if (g.guid !== undefined) r.correlationGuid = g.guid;
      if (g.baselineState !== undefined) r.baselineState = g.baselineState as Result['baselineState'];
      if (g.suppressions) r.suppressions = g.suppressions as Result['suppressions'];
      r.properties = properties;
      return r;
    });
}

const rule: fc.Arbitrary<ReportingDescriptor> = fc.record({
  id: fc.constantFrom('R1', 'R2', 'R3', 'CVE-1', '__proto__'),
  name: fc.constantFrom(undefined, 'Rule name'),
  helpUri: fc.constantFrom(undefined, 'https://e.test/h'),
  tags: fc.array(fc.constantFrom('security', 'CWE-79', 'external/cwe/cwe-89'), { maxLength: 2 }),
  cwe: fc.option(fc.constantFrom(['CWE-22'], ['CWE-79', 'CWE-89']), { nil: undefined }),
}).map(({ id, name, helpUri, tags, cwe }) => ({ id, ...(name ? { name } : {}), ...(helpUri ? { helpUri } : {}), properties: { tags, ...(cwe ? { cwe } : {}) } }));

const run: fc.Arbitrary<{ run: Run; extras: number }> = fc
  .record({ tool: fc.constantFrom('Grype', 'Trivy', 'Semgrep'), rules: fc.uniqueArray(rule, { maxLength: 4, selector: (r) => r.id }), n: fc.integer({ min: 0, max: 40 }), extras: fc.integer({ min: 0, max: 3 }) })
  .chain(({ tool, rules, n, extras }) =>
    fc.array(result(rules.length), { minLength: n, maxLength: n + extras }).map((results) => ({
      run: { tool: { driver: { name: tool, ...(rules.length ? { rules } : {}) } }, automationDetails: { id: `${tool.toLowerCase()}/` }, results },
      extras: Math.min(extras, results.length),
    })),
  );

export interface GeneratedLog {
  log: Log;
  /** How many of each run's last results are extras when spooled (absent results from --baseline). */
  extras: number[];
}

/** A log of 1–3 runs, with a verdict (and a baseline account) or without. */
export const findingsLog: fc.Arbitrary<GeneratedLog> = fc
  .record({
    runs: fc.array(run, { minLength: 1, maxLength: 3 }),
    verdict: fc.constantFrom('none', 'pass', 'fail', 'fail+baseline', 'pass+waivers'),
  })
  .map(({ runs, verdict }) => {
    const log: Log = { version: '2.1.0', runs: runs.map((r) => r.run) };
    if (verdict !== 'none') {
      const v: Verdict = { status: verdict.startsWith('pass') ? 'pass' : 'fail', reasons: verdict.startsWith('fail') ? [{ code: 'threshold', message: 'too many', count: 3 }] as Verdict['reasons'] : [], warnings: [], summary: summarise(log) };
      if (verdict === 'fail+baseline') v.baseline = { against: 'baseline old.sarif', counts: { new: 7, unchanged: 2, updated: 0, absent: 1 }, fixed: [] };
      if (verdict === 'pass+waivers') v.waivers = [];
      embedVerdict(log, v);
    }
    return { log, extras: runs.map((r) => r.extras) };
  });

/**
 * The same log as `secgate check` holds it when spooled: each run's results in a real spool
 * (correlationGuid as the gate's patch, the last `extras` as extras) and its rules in a
 * SpooledRuleStore. Also returns it read back whole (hydrateLog), for the oracles.
 */
export function spooledLog(g: GeneratedLog, spool: ResultSpool): { spooled: Log; hydrated: Log } {
  const runs = g.log.runs.map((r, k): Run => {
    const all = r.results ?? [];
    const cut = all.length - g.extras[k]!;
    const results = all.slice(0, cut);
    const patches = results.map((x) => (x.correlationGuid !== undefined ? { correlationGuid: x.correlationGuid } : {}));
    const spooledResults = realSpooled(spool, results, all.slice(cut), patches) as unknown as Result[];
    let rules = r.tool.driver.rules;
    if (rules?.length) {
      const segment = spool.segment();
      const store = new SpooledRuleStore({ append: (text) => segment.append(text), seal: () => segment.seal(), lines: (from, to) => segment.lines(from, to), line: (i) => segment.line(i) });
      for (const x of rules) store.add(x);
      rules = store.seal() as unknown as ReportingDescriptor[];
    }
    return { ...r, tool: { driver: { ...r.tool.driver, ...(rules ? { rules } : {}) } }, results: spooledResults };
  });
  const spooled: Log = { ...g.log, runs };
  return { spooled, hydrated: hydrateLog(spooled) };
}
