import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log, Result, Run } from 'sarif';
import { resolveSarifLayout, sarifChunks, sarifJson } from '../../src/report/sarif.js';
import type { SpoolPatch } from '../../src/sarif/spooled-types.js';
import { applied, spooledImplementations, type MakeSpooled } from '../helpers/fake-spooled.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { LIVE } from '../helpers/hostile.js';

const text = (log: Log, layout: 'pretty' | 'lines' | 'auto') => [...sarifChunks(log, layout)].join('');
/** Any character at all, lone surrogates, C1, bidi and line separators included. */
const anyString = fc.string({ unit: 'binary', maxLength: 30 });
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const obj = fc.dictionary(anyString, json, { maxKeys: 4 });
const guid = fc.uuid();
const result = fc.record(
  {
    ruleId: anyString,
    ruleIndex: fc.integer({ min: 0, max: 6 }),
    message: fc.record({ text: anyString }),
    properties: obj,
  },
  { requiredKeys: ['message'] },
) as fc.Arbitrary<Result>;
const patch: fc.Arbitrary<SpoolPatch | undefined> = fc.option(
  fc.record({ baselineState: fc.constantFrom('new', 'unchanged', 'updated', 'absent'), correlationGuid: guid }, { requiredKeys: [] }) as fc.Arbitrary<SpoolPatch>,
  { nil: undefined },
);
const absent = fc.record({ ruleId: anyString, message: fc.record({ text: anyString }), baselineState: fc.constant('absent') }) as fc.Arbitrary<Result>;

// No baselineState / correlationGuid on the results: the gate decides them after reading (the patches).
/** A run, and whether (and how) its results are spooled: spooled ones, their patches, extras. */
const run = fc.record({
  name: anyString,
  spooled: fc.boolean(),
  results: fc.array(fc.tuple(result, patch), { maxLength: 8 }),
  extras: fc.array(absent, { maxLength: 3 }),
  properties: obj,
});
const logsOf = (fakeSpooled: MakeSpooled) => fc.array(run, { maxLength: 3 }).map((runs) => {
  const inMemory: Run[] = [];
  const spooled: Run[] = [];
  for (const r of runs) {
    const results = r.results.map(([x]) => x);
    const patches = r.results.map(([, p]) => p);
    const base = { tool: { driver: { name: r.name } }, properties: r.properties };
    inMemory.push({ ...base, results: applied(results, r.extras, patches) });
    spooled.push({ ...base, results: r.spooled ? (fakeSpooled(results, [...r.extras], patches) as unknown as Result[]) : applied(results, r.extras, patches) });
  }
  return { inMemory: { version: '2.1.0', runs: inMemory } as Log, spooled: { version: '2.1.0', runs: spooled } as Log };
});

/** The spooled log with every spooled run's results materialised (what the pretty layout must print). */
const materialised = (log: Log): Log => ({ ...log, runs: log.runs.map((r) => ({ ...r, results: [...(r.results ?? [])] })) });

for (const { name, make: fakeSpooled, close } of spooledImplementations()) describe(`SARIF writer over spooled runs (${name} SpooledResults)`, () => {
  afterAll(close);
  const logs = logsOf(fakeSpooled);

  it('writes the same data as the in-memory log with the patches applied, in both layouts', () => {
    fc.assert(
      fc.property(logs, ({ inMemory, spooled }) => {
        for (const layout of ['pretty', 'lines'] as const) expect(JSON.parse(text(spooled, layout))).toEqual(JSON.parse(text(inMemory, layout)));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('pretty is sarifJson of the materialised log byte for byte; lines keeps one result per line, escaped', () => {
    fc.assert(
      fc.property(logs, ({ spooled }) => {
        expect(text(spooled, 'pretty')).toBe(sarifJson(materialised(spooled)));
        expect(sarifJson(spooled)).toBe(sarifJson(materialised(spooled)));
        const lines = text(spooled, 'lines');
        for (const re of Object.values(LIVE)) expect(lines).not.toMatch(re);
        expect(lines).not.toMatch(/[\u0085\u2028\u2029\u202e]/);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('lines: each spooled text on a line of its own, then the extras; auto counts spooled results', () => {
    const results: Result[] = Array.from({ length: 3 }, (_, i) => ({ ruleId: `R${i}`, ruleIndex: i, message: { text: `m${i}` }, locations: [] }));
    const extras: Result[] = [{ ruleId: 'gone', message: { text: 'x' }, baselineState: 'absent' }];
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: fakeSpooled(results, extras, [{ baselineState: 'new' }]) as unknown as Result[] }] } as Log;
    const lines = text(log, 'lines').split('\n');
    const at = lines.indexOf('      "results": [');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '        {"ruleId":"R0","message":{"text":"m0"},"locations":[],"ruleIndex":0,"baselineState":"new"},',
      '        {"ruleId":"R1","message":{"text":"m1"},"locations":[],"ruleIndex":1},',
      '        {"ruleId":"R2","message":{"text":"m2"},"locations":[],"ruleIndex":2},',
      '        {"ruleId":"gone","message":{"text":"x"},"baselineState":"absent"}',
    ]);
    expect(lines[at + 5]).toBe('      ]');
    // auto: `length` (spooled and extras) decides.
    const big = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: fakeSpooled(Array.from({ length: 10_000 }, () => results[0]!), extras) as unknown as Result[] }] } as Log;
    expect(resolveSarifLayout(big, 'auto')).toBe('lines');
    expect(resolveSarifLayout(log, 'auto')).toBe('pretty');
    const empty = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: fakeSpooled([]) as unknown as Result[] }] } as Log;
    for (const layout of ['pretty', 'lines'] as const) expect(JSON.parse(text(empty, layout))).toEqual({ version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: [] }] });
  });

  it('pieces stay near 1 MB and the spool is read in order, once, in the lines layout', () => {
    const big = 'x'.repeat(1000);
    const results: Result[] = Array.from({ length: 5000 }, (_, i) => ({ ruleId: `R${i}`, message: { text: big } }));
    const fake = fakeSpooled(results);
    const texts = fake.texts.bind(fake);
    const calls: [number, number][] = [];
    const spy = { spooled: true, count: fake.count, length: fake.length, extras: fake.extras, texts: (from: number, to: number, map?: ReadonlyMap<number, number>) => (calls.push([from, to]), texts(from, to, map)) };
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: spy as unknown as Result[] }] } as Log;
    const pieces = [...sarifChunks(log, 'lines')];
    expect(calls).toEqual([[0, 5000]]);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1.1 * (1 << 20));
    expect(pieces.length).toBeGreaterThan(3);
  });
});
