import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log, Result, Run } from 'sarif';
import { BaselineIndex, baselineKeys, type BaselineCounts } from '../../src/policy/baseline.js';
import { toolName } from '../../src/sarif/props.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const RUNS = fuzzRuns(200);

/** The three steps of BaselineIndex over a log, in log order, as the ledger runs them. */
function applyBaseline(log: Log, baseline: Log): BaselineCounts {
  const index = new BaselineIndex(baseline);
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  for (const run of log.runs) {
    const tool = index.tool(run);
    for (const result of run.results ?? []) {
      result.baselineState = index.decide(index.candidates(tool, result));
      counts[result.baselineState]++;
    }
  }
  for (const { run, result } of index.absent(log.runs)) {
    (run.results ??= []).push(result);
    counts.absent++;
  }
  return counts;
}


/** applyBaseline as first written: every key built as a string, one index of them all. The indexed one must agree. */
function reference(log: Log, baseline: Log): BaselineCounts {
  const index = new Map<string, { run: Run; result: Result; used: boolean }>();
  const entries: { run: Run; result: Result; used: boolean }[] = [];
  for (const run of baseline.runs ?? []) {
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') continue;
      const entry = { run, result, used: false };
      entries.push(entry);
      for (const k of baselineKeys(run, result)) if (!index.has(k)) index.set(k, entry);
    }
  }
  const same = (a: Result, b: Result) => {
    const sev = (r: Result) => (r.properties as { severity?: unknown } | undefined)?.severity ?? r.level;
    const loc = (r: Result) => `${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''}:${r.locations?.[0]?.physicalLocation?.region?.startLine ?? ''}`;
    return sev(a) === sev(b) && (a.message.text ?? '') === (b.message.text ?? '') && loc(a) === loc(b);
  };
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const keys = baselineKeys(run, result);
      const hit = keys.map((k) => index.get(k)).find((e) => e && !e.used) ?? keys.map((k) => index.get(k)).find(Boolean);
      if (!hit) {
        result.baselineState = 'new';
        counts.new++;
        continue;
      }
      hit.used = true;
      result.baselineState = same(hit.result, result) ? 'unchanged' : 'updated';
      counts[result.baselineState]++;
    }
  }
  const ranTools = new Map(log.runs.map((r) => [toolName(r).toLowerCase(), r]));
  for (const e of entries) {
    if (e.used) continue;
    const target = ranTools.get(toolName(e.run).toLowerCase());
    if (!target) continue;
    const absent: Result = { ...structuredClone(e.result), baselineState: 'absent' };
    delete absent.suppressions;
    delete absent.correlationGuid;
    delete absent.ruleIndex;
    delete absent.rule;
    (target.results ??= []).push(absent);
    counts.absent++;
  }
  return counts;
}

const value = fc.constantFrom('a', 'b', '');
const result: fc.Arbitrary<Result> = fc.record(
  {
    ruleId: fc.constantFrom('R1', 'R2'),
    message: fc.record({ text: fc.constantFrom('m', 'n') }),
    level: fc.constantFrom('error', 'warning'),
    properties: fc.record({ severity: fc.constantFrom('high', 'low') }),
    partialFingerprints: fc.dictionary(fc.constantFrom('secgate/v1', 'primaryLocationLineHash', 'other/v1'), value, { maxKeys: 3 }),
    fingerprints: fc.dictionary(fc.constantFrom('a/v1', 'b/v1'), value, { maxKeys: 2 }),
    locations: fc.constant([{ physicalLocation: { artifactLocation: { uri: 'x:1' }, region: { startLine: 2 } } }]),
    baselineState: fc.constantFrom('unchanged', 'unchanged', 'absent'),
  },
  { requiredKeys: ['ruleId', 'message'] },
) as fc.Arbitrary<Result>;
// Hostile lines too: uri "x" at line "1:" and uri "x:1" at no line are both "x:1:" to the reference.
const located = fc.tuple(result, fc.constantFrom('x', 'x:1'), fc.constantFrom<unknown>(1, undefined, '1:')).map(([r, uri, line]) => ({
  ...r,
  locations: [{ physicalLocation: { artifactLocation: { uri }, ...(line === undefined ? {} : { region: { startLine: line as number } }) } }],
}));
const run = fc.record({ tool: fc.constantFrom('grype', 'Grype', 'grype', 'trivy'), results: fc.array(located, { maxLength: 6 }) }).map(
  ({ tool, results }): Run => ({ tool: { driver: { name: tool } }, results }),
);
const logOf = fc.array(run, { maxLength: 3 }).map((runs): Log => ({ version: '2.1.0', runs }));

describe('applyBaseline: the per-tool fingerprint index', () => {
  it('marks and appends exactly what matching every key as a string did', () => {
    fc.assert(
      fc.property(logOf, logOf, (current, baseline) => {
        const a = structuredClone(current);
        const b = structuredClone(current);
        const expected = reference(a, structuredClone(baseline));
        expect(applyBaseline(b, structuredClone(baseline))).toEqual(expected);
        expect(b).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The log with each run's results as a streamed report gives them: an iterable (not an array) that yields fresh objects each walk. */
function streamed(log: Log): { log: Log; walks: () => number } {
  let walks = 0;
  const runs = log.runs.map((run) => {
    const text = JSON.stringify(run.results ?? []);
    const results = {
      *[Symbol.iterator]() {
        walks++;
        yield* JSON.parse(text) as Result[];
      },
    };
    return { ...run, results: results as unknown as Result[] };
  });
  return { log: { ...log, runs }, walks: () => walks };
}

describe('BaselineIndex over a streamed baseline (results walked, never held)', () => {
  it('decides and appends exactly what it does over arrays, walking each run at most twice', () => {
    fc.assert(
      fc.property(logOf, logOf, (current, baseline) => {
        const a = structuredClone(current);
        const b = structuredClone(current);
        const expected = applyBaseline(a, structuredClone(baseline));
        const s = streamed(structuredClone(baseline));
        expect(applyBaseline(b, s.log)).toEqual(expected);
        expect(b).toEqual(a);
        expect(s.walks()).toBeLessThanOrEqual(2 * baseline.runs.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('does not walk the baseline again when every baseline result was matched', () => {
    const log: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'grype' } }, results: [{ ruleId: 'R', message: { text: 'm' }, partialFingerprints: { 'secgate/v1': 'a' } }] }] };
    const s = streamed(structuredClone(log));
    expect(applyBaseline(structuredClone(log), s.log)).toEqual({ new: 0, unchanged: 1, updated: 0, absent: 0 });
    expect(s.walks()).toBe(1);
  });

  it('fails loudly when the baseline yields other results the second time (its file changed mid-run)', () => {
    let walk = 0;
    const results = {
      *[Symbol.iterator]() {
        walk++;
        yield { ruleId: 'R', message: { text: 'm' }, partialFingerprints: { 'secgate/v1': `v${walk}` } } as Result;
        if (walk === 1) yield { ruleId: 'R', message: { text: 'm' }, partialFingerprints: { 'secgate/v1': 'b' } } as Result;
      },
    };
    const baseline = { version: '2.1.0', runs: [{ tool: { driver: { name: 'grype' } }, results: results as unknown as Result[] }] } as Log;
    const current: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'grype' } }, results: [{ ruleId: 'R', message: { text: 'm' }, partialFingerprints: { 'secgate/v1': 'zzz' } }] }] };
    expect(() => applyBaseline(current, baseline)).toThrow(/second time it was read/);
  });
});
