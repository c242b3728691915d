import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import { sarifChunks } from '../../src/report/sarif.js';
import { GITHUB_LIMITS, fitGithubLimits } from '../../src/sarif/github-limits.js';
import { isSpooled, type SpooledResults, type SpoolPatch } from '../../src/sarif/spooled-types.js';
import { applied, fakeSpooled, realSpooled } from '../helpers/fake-spooled.js';
import { ResultSpool } from '../../src/io/result-spool.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const manyRules = (n: number): ReportingDescriptor[] => Array.from({ length: n }, (_, i) => ({ id: `CVE-${i}`, shortDescription: { text: `rule ${i}` } }));
const RULES_30K = manyRules(30_000);
const res = (ruleId: string, extra: Partial<Result> = {}): Result => ({ ruleId, message: { text: ruleId }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a' } } }], ...extra });
const locations = (n: number): Location[] => Array.from({ length: n }, (_, i) => ({ physicalLocation: { artifactLocation: { uri: `f${i}` } } }));
const written = (log: Log, layout: 'lines' | 'pretty' = 'lines'): unknown => JSON.parse([...sarifChunks(log, layout)].join(''));

interface Case {
  run: Omit<Run, 'results'>;
  results: Result[];
  extras?: Result[];
  patches?: (SpoolPatch | undefined)[];
}

let spool: ResultSpool | undefined;
afterAll(() => spool?.close());

type Impl = 'fake' | 'real';

/** The same run in memory (patches applied) and spooled (the fake; the real one). */
function both({ run, results, extras = [], patches = [] }: Case, impl: Impl = 'fake'): { inMemory: Log; spooled: Log } {
  const fake = impl === 'real' ? realSpooled((spool ??= ResultSpool.create()), results, [...extras], patches) : fakeSpooled(results, [...extras], patches);
  return {
    inMemory: { version: '2.1.0', runs: [{ ...run, results: applied(results, extras, patches) }] },
    spooled: { version: '2.1.0', runs: [{ ...run, results: fake as unknown as Result[] }] },
  };
}

/** fitGithubLimits then the writer: the same data from both, in both layouts. */
function expectSame(c: Case): Log {
  let fitted: Log | undefined;
  for (const impl of ['fake', 'real'] as const) {
    const { inMemory, spooled } = both(c, impl);
    fitted = fitGithubLimits(spooled);
    const expected = written(fitGithubLimits(inMemory));
    expect(written(fitted)).toEqual(expected);
    if (c.results.length + (c.extras?.length ?? 0) <= 2000) expect(written(fitted, 'pretty')).toEqual(expected);
    // Every run's results are still spooled (the writer streams them), and iterate to the same objects.
    for (const [k, r] of fitted.runs.entries()) {
      expect(isSpooled(r.results)).toBe(true);
      expect(JSON.parse(JSON.stringify([...(r.results as unknown as SpooledResults)]))).toEqual((expected as Log).runs[k]!.results);
    }
  }
  return fitted!;
}

describe('fitGithubLimits over spooled runs: the same written data as in memory', () => {
  it('a run within every limit is returned as it is (the same spooled object)', () => {
    for (const impl of ['fake', 'real'] as const) {
      const { spooled } = both({ run: { tool: { driver: { name: 't', rules: manyRules(3) } } }, results: [res('CVE-1', { ruleIndex: 1 })] }, impl);
      expect(fitGithubLimits(spooled).runs[0]).toBe(spooled.runs[0]);
    }
    expectSame({ run: { tool: { driver: { name: 't', rules: manyRules(3) } } }, results: [res('CVE-1', { ruleIndex: 1 })] });
  });

  it('60,000 results over 60,000 rules: three parts, each with only its own rules, ruleIndex renumbered, patches and extras kept', () => {
    const rules = manyRules(60_000);
    const results = rules.map((r, i) => res(r.id, i % 3 ? { ruleIndex: i } : {}));
    const patches = results.map((_, i): SpoolPatch | undefined => (i % 5 === 0 ? { baselineState: 'new', correlationGuid: '00000000-0000-4000-8000-000000000000' } : undefined));
    const extras = [res('CVE-59999', { baselineState: 'absent', ruleIndex: 59_999 }), res('gone', { baselineState: 'absent' })];
    const fitted = expectSame({ run: { tool: { driver: { name: 'grype', rules } }, automationDetails: { id: 'grype-big/' } }, results, extras, patches });
    expect(fitted.runs.map((r) => [r.automationDetails?.id, r.results!.length, r.tool.driver.rules!.length])).toEqual([
      ['grype-big-part1/', 25_000, 25_000],
      ['grype-big-part2/', 25_000, 25_000],
      ['grype-big-part3/', 10_002, 10_000],
    ]);
  });

  it('a part that ends inside the extras (24,998 spooled, 5 extras)', () => {
    const results = Array.from({ length: 24_998 }, (_, i) => res(`CVE-${i % 30_000}`, { ruleIndex: i }));
    const extras = Array.from({ length: 5 }, (_, i) => res(`CVE-${29_990 + i}`, { baselineState: 'absent', ruleIndex: 29_990 + i }));
    const fitted = expectSame({ run: { tool: { driver: { name: 't', rules: RULES_30K } } }, results, extras });
    expect(fitted.runs.map((r) => r.results!.length)).toEqual([25_000, 3]);
    // Split but within the rules limit: every part keeps every rule.
    const small = expectSame({ run: { tool: { driver: { name: 't', rules: manyRules(10) } } }, results: results.map((r) => ({ ...r, ruleIndex: 1 })), extras });
    expect(small.runs.map((r) => r.tool.driver.rules!.length)).toEqual([10, 10]);
  });

  it('results with a rule member (index, hierarchical id, a tool extension) are handled as objects, as in memory', () => {
    const results = [
      res('CVE-29999', { ruleIndex: 29_999 }),
      { message: { text: 'by index only' }, locations: [], rule: { index: 12 } } as Result,
      res('CVE-7/sub'),
      res('CVE-500', { ruleIndex: 500, rule: { id: 'CVE-500', index: 500 } }),
      { message: { text: 'x' }, locations: [], rule: { id: 'X', index: 0, toolComponent: { index: 0 } } } as Result,
      // "rule": inside a string is no rule member.
      res('CVE-9', { ruleIndex: 9, message: { text: 'a "rule": here' }, properties: { rule: 1 } as never }),
    ];
    const fitted = expectSame({ run: { tool: { driver: { name: 'sarif-tool', rules: RULES_30K }, extensions: [{ name: 'pack', rules: [{ id: 'X' }] }] } }, results, patches: [{ baselineState: 'new' }, { baselineState: 'unchanged' }] });
    expect(fitted.runs[0]!.tool.driver.rules!.map((r) => r.id)).toEqual(['CVE-7', 'CVE-9', 'CVE-12', 'CVE-500', 'CVE-29999']);
  });

  it('a result over 1,000 locations or related locations is cut (spooled or extra), the others are written from the spool', () => {
    const results = [res('A'), res('B', { locations: locations(1500), relatedLocations: locations(1001) }), res('C', { relatedLocations: locations(1000) })];
    const extras = [res('D', { baselineState: 'absent', locations: locations(1200) })];
    const fitted = expectSame({ run: { tool: { driver: { name: 't' } } }, results, extras, patches: [undefined, { baselineState: 'updated' }] });
    const out = [...(fitted.runs[0]!.results as unknown as SpooledResults)];
    expect(out.map((r) => [r.locations?.length, r.relatedLocations?.length])).toEqual([
      [1, undefined],
      [1000, 1000],
      [1, 1000],
      [1000, undefined],
    ]);
  });

  it('property: random results over a run of 30,000 rules (ruleIndex, ids, rule members, patches, extras)', () => {
    const result = fc
      .record({
        id: fc.oneof(fc.nat(29_999).map((n) => `CVE-${n}`), fc.constantFrom('CVE-3/x', 'unknown', 'CVE-1')),
        ruleIndex: fc.option(fc.integer({ min: 0, max: 30_500 }), { nil: undefined }),
        rule: fc.option(fc.record({ index: fc.nat(29_999) }, { requiredKeys: [] }), { nil: undefined }),
        locs: fc.constantFrom(1, 1, 1, 1001),
      })
      .map(({ id, ruleIndex, rule, locs }) => res(id, { ...(ruleIndex !== undefined ? { ruleIndex } : {}), ...(rule ? { rule } : {}), locations: locations(locs) }));
    const patch = fc.option(fc.record({ baselineState: fc.constantFrom('new', 'unchanged') }) as fc.Arbitrary<SpoolPatch>, { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.tuple(result, patch), { maxLength: 12 }), fc.array(result, { maxLength: 3 }), (rs, extras) => {
        expectSame({ run: { tool: { driver: { name: 't', rules: RULES_30K } } }, results: rs.map(([r]) => r), patches: rs.map(([, p]) => p), extras: extras.map((e) => ({ ...e, baselineState: 'absent' })) });
      }),
      { numRuns: fuzzRuns(40) },
    );
  });

  it.each(['fake', 'real'] as const)('the spooled run and its rules are not modified (%s)', (impl) => {
    const results = RULES_30K.slice(0, 10).map((r, i) => res(r.id, { ruleIndex: i * 2000 }));
    const { spooled } = both({ run: { tool: { driver: { name: 't', rules: RULES_30K } } }, results }, impl);
    const before = JSON.stringify([...(spooled.runs[0]!.results as unknown as SpooledResults)]);
    fitGithubLimits(spooled);
    expect(JSON.stringify([...(spooled.runs[0]!.results as unknown as SpooledResults)])).toBe(before);
    expect(spooled.runs[0]!.tool.driver.rules).toHaveLength(30_000);
    expect(GITHUB_LIMITS.resultsPerRun).toBe(25_000);
  });
});
