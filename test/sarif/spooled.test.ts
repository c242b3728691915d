import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { SpooledPart, fitGithubLimits } from '../../src/sarif/github-limits.js';
import { SpooledRunBuilder, type SpooledRun } from '../../src/sarif/spooled.js';
import { isSpooled, type SpooledResults, type SpoolPatch } from '../../src/sarif/spooled-types.js';
import { fuzzRuns } from '../helpers/fuzz.js';

// Each run spools and reads back a whole run: at 10,000 runs (npm run fuzz) these properties took
// 80 s of synchronous work in a row, past vitest's worker RPC timeout. 2,000 each keeps them ~15 s.
const SPOOL_MAX = 2000;

const spools: ResultSpool[] = [];
afterEach(() => {
  for (const s of spools.splice(0)) s.close();
});

/** Small blocks, so a handful of results spans many reads and writes. */
function builder(readBlock = 64, writeBuffer = 128): SpooledRunBuilder {
  const spool = ResultSpool.create({ readBlock, writeBuffer });
  spools.push(spool);
  return new SpooledRunBuilder(spool);
}

// ---- generators of SARIF-ish results ----------------------------------------------------------

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Any text a scanner may put in a finding: unicode, lone surrogates, controls, empty, now and then huge. */
const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 3 }), lone), { maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '\n', '"\\', '\u2028', '😀', '}', '{}', '\u0000') },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map((n) => 'ü😀x'.repeat(n)) },
);
const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('ruleIndex', 'baselineState', 'correlationGuid', '__proto__', ''));
const json = fc.jsonValue({ maxDepth: 3 });
const state = fc.constantFrom('new', 'unchanged', 'updated', 'absent') as fc.Arbitrary<NonNullable<Result['baselineState']>>;

const result: fc.Arbitrary<Result> = fc
  .record(
    {
      ruleId: anyText,
      rule: fc.record({ id: anyText }, { requiredKeys: [] }),
      ruleIndex: fc.oneof(fc.nat({ max: 50 }), fc.constant(-1)),
      kind: fc.constantFrom('fail', 'pass'),
      level: fc.constantFrom('error', 'warning', 'note', 'none'),
      message: fc.record({ text: anyText, markdown: anyText }, { requiredKeys: ['text'] }),
      locations: fc.array(
        fc.record({ physicalLocation: fc.record({ artifactLocation: fc.record({ uri: anyText }), region: fc.record({ startLine: fc.nat(), snippet: fc.record({ text: anyText }) }, { requiredKeys: [] }) }, { requiredKeys: [] }) }),
        { maxLength: 3 },
      ),
      partialFingerprints: fc.dictionary(key, anyText, { maxKeys: 3 }),
      properties: fc.dictionary(key, fc.oneof(anyText, json), { maxKeys: 4 }),
      suppressions: fc.array(fc.record({ kind: fc.constantFrom('external', 'inSource'), justification: anyText }), { maxLength: 2 }),
      baselineState: fc.oneof({ weight: 4, arbitrary: state }, { weight: 1, arbitrary: fc.constant('weird') }, { weight: 1, arbitrary: fc.constant(null) }),
      correlationGuid: fc.uuid(),
    },
    { requiredKeys: [] },
  )
  .map((r) => r as unknown as Result);

const patch: fc.Arbitrary<SpoolPatch> = fc.record({ baselineState: state, correlationGuid: fc.oneof(fc.uuid(), anyText) }, { requiredKeys: [] });

// ---- what the spooled object must be equal to ------------------------------------------------

const validIndex = (ri: unknown): ri is number => typeof ri === 'number' && Number.isInteger(ri) && ri >= 0;

/** The result as the in-memory path writes it: its JSON, ruleIndex renumbered, the patch over its own members. */
function expected(r: Result, p: SpoolPatch, map?: ReadonlyMap<number, number>): Result {
  const out = JSON.parse(JSON.stringify(r)) as Result;
  if (validIndex(r.ruleIndex)) out.ruleIndex = map?.get(r.ruleIndex) ?? r.ruleIndex;
  delete out.correlationGuid;
  if (p.baselineState !== undefined) out.baselineState = p.baselineState;
  if (p.correlationGuid !== undefined) out.correlationGuid = p.correlationGuid;
  return out;
}

function spool(results: Result[], patches?: SpoolPatch[], extras: Result[] = []): SpooledRun {
  const b = builder();
  results.forEach((r, i) => expect(b.add(r)).toBe(i));
  const run = b.seal();
  if (patches) run.setPatch((i) => patches[i]!);
  run.extras.push(...extras);
  return run;
}

describe('SpooledRunBuilder and SpooledRun: the written texts are the results, patched', () => {
  it('texts() parse to, and at(i) equals, each result with ruleIndex renumbered and the patch applied', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(result, patch), { maxLength: 25 }),
        fc.array(fc.tuple(fc.nat({ max: 50 }), fc.nat({ max: 100 })), { maxLength: 10 }),
        (pairs, mapping) => {
          const results = pairs.map(([r]) => r);
          const patches = pairs.map(([, p]) => p);
          const before = JSON.stringify(results);
          const run = spool(results, patches);
          // add() leaves the objects as they were.
          expect(JSON.stringify(results)).toBe(before);
          const map = new Map(mapping);
          const texts = [...run.texts(0, run.count, map)];
          expect(texts).toHaveLength(results.length);
          results.forEach((r, i) => {
            expect(JSON.parse(texts[i]!)).toEqual(expected(r, patches[i]!, map));
            expect(run.at(i)).toEqual(expected(r, patches[i]!));
            // at(i) is the text without a map, member for member in the same order.
            expect(JSON.stringify(run.at(i))).toBe([...run.texts(i, i + 1)][0]);
          });
        },
      ),
      { numRuns: fuzzRuns(200, { max: SPOOL_MAX }) },
    );
  });

  it('compact arrays: ruleIdAt, ruleIndexAt, baselineStateAt, patch', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(result, fc.option(patch, { nil: undefined })), { maxLength: 20 }), (pairs) => {
        const results = pairs.map(([r]) => r);
        const run = spool(results);
        const patches = pairs.map(([, p]) => p);
        run.setPatch((i) => patches[i] ?? {});
        results.forEach((r, i) => {
          const id = r.ruleId ?? r.rule?.id;
          expect(run.ruleIdAt(i)).toBe(id);
          expect(run.ruleIndexAt(i)).toBe(validIndex(r.ruleIndex) ? r.ruleIndex : -1);
          expect(run.baselineStateAt(i)).toBe(r.baselineState);
          expect(run.patch(i)).toEqual(patches[i] ?? {});
        });
      }),
      { numRuns: fuzzRuns(100, { max: SPOOL_MAX }) },
    );
  });

  it('needsObjectAt: a rule member, or over 1,000 locations or related locations (what fitGithubLimits changes as an object)', () => {
    const loc = { physicalLocation: { artifactLocation: { uri: 'a.js' } } };
    const many = (n: number) => Array.from({ length: n }, () => loc);
    const run = spool([
      { ruleId: 'a', message: { text: '' } },
      { rule: { id: 'a' }, message: { text: '' } },
      { ruleId: 'a', message: { text: '' }, locations: many(1000), relatedLocations: many(1000) },
      { ruleId: 'a', message: { text: '' }, locations: many(1001) },
      { ruleId: 'a', message: { text: '' }, relatedLocations: many(1001) },
    ]);
    expect([0, 1, 2, 3, 4].map((i) => run.needsObjectAt(i))).toEqual([false, true, false, true, true]);
    // A part of the run (fitGithubLimits) asks the run about its spooled results, an object about itself.
    expect(new SpooledPart(run, 3, 5, []).needsObjectAt(0)).toBe(true);
    expect(new SpooledPart(run, 2, 5, []).needsObjectAt(0)).toBe(false);
    const objects = new Map<number, Result>([
      [1, { rule: { id: 'a' }, message: { text: '' } }],
      [3, { ruleId: 'a', message: { text: '' }, locations: many(1000) }],
    ]);
    // Result 3's object has its locations cut: nothing more to change.
    expect([0, 1, 2, 3].map((i) => new SpooledPart(run, 1, 5, [], objects).needsObjectAt(i))).toEqual([true, false, false, true]);
  });

  it('with no patch, a result keeps the baselineState it came with, and loses an input correlationGuid', () => {
    const run = spool([
      { ruleId: 'a', message: { text: 'x' }, baselineState: 'unchanged', correlationGuid: 'old', ruleIndex: 2 },
      { ruleId: 'b', message: { text: 'y' } },
    ]);
    expect([...run.texts(0, 2)]).toEqual(['{"ruleId":"a","message":{"text":"x"},"ruleIndex":2,"baselineState":"unchanged"}', '{"ruleId":"b","message":{"text":"y"}}']);
    run.setPatch((i) => (i === 0 ? { baselineState: 'new', correlationGuid: 'g0' } : { correlationGuid: 'g1' }));
    expect([...run.texts(0, 2, new Map([[2, 0]]))]).toEqual([
      '{"ruleId":"a","message":{"text":"x"},"ruleIndex":0,"baselineState":"new","correlationGuid":"g0"}',
      '{"ruleId":"b","message":{"text":"y"},"correlationGuid":"g1"}',
    ]);
  });

  it('an empty result gets its members without a leading comma', () => {
    const run = spool([{} as Result, { ruleIndex: 3 } as Result, {} as Result]);
    run.setPatch((i) => (i === 2 ? { baselineState: 'absent' } : {}));
    expect([...run.texts(0, 3)]).toEqual(['{}', '{"ruleIndex":3}', '{"baselineState":"absent"}']);
    expect(run.at(1)).toEqual({ ruleIndex: 3 });
  });

  it('a ruleIndex that cannot index (-1, fractional) stays in the text as it was', () => {
    const run = spool([{ ruleIndex: -1, message: { text: 'a' } } as Result, { ruleIndex: 1.5, message: { text: 'b' } } as Result]);
    expect(run.ruleIndexAt(0)).toBe(-1);
    expect([...run.texts(0, 2, new Map([[-1, 7]]))].map((t) => JSON.parse(t))).toEqual([
      { ruleIndex: -1, message: { text: 'a' } },
      { ruleIndex: 1.5, message: { text: 'b' } },
    ]);
  });

  it('the iterator parses texts in batches: results across many batch boundaries (and one bigger than a batch) come out whole, in order', () => {
    const results: Result[] = Array.from({ length: 400 }, (_, i) => ({ ruleId: `r${i}`, message: { text: `${'x'.repeat(i % 7 === 0 ? 3000 : 300)} ${i} "\u2028 é` } }) as Result);
    results.splice(123, 0, { ruleId: 'big', message: { text: 'y'.repeat(200_000) } } as Result);
    const run = spool(results, undefined, [{ ruleId: 'extra', message: { text: 'z' } } as Result]);
    run.setPatch((i) => ({ correlationGuid: `g${i}` }));
    const all = [...run];
    expect(all).toHaveLength(402);
    expect(all.slice(0, 401)).toEqual(results.map((r, i) => ({ ...expected(r, {}), correlationGuid: `g${i}` })));
    expect(all[401]).toEqual({ ruleId: 'extra', message: { text: 'z' } });
  });

  it('the iterator yields every result (spooled, then extras) and length counts both; isSpooled knows it', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 15 }), fc.array(result, { maxLength: 3 }), (results, extras) => {
        const run = spool(results, undefined, extras);
        expect(isSpooled(run)).toBe(true);
        expect(run.count).toBe(results.length);
        expect(run.length).toBe(results.length + extras.length);
        expect([...run]).toEqual([...results.map((r) => expected(r, {})), ...extras]);
      }),
      { numRuns: fuzzRuns(100, { max: SPOOL_MAX }) },
    );
  });
});

describe('SpooledPart over a SpooledRun: a part of a run (GitHub: 25,000 results per run)', () => {
  it('is the slice of the run, renumbered through its map, objects in place of their texts, extras only in the last part', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(result, patch), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.tuple(fc.nat({ max: 50 }), fc.nat({ max: 100 })), { maxLength: 10 }),
        fc.array(fc.tuple(fc.nat({ max: 100 }), fc.nat({ max: 100 })), { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (pairs, a, b, m1, m2, toEnd, picks) => {
          const results = pairs.map(([r]) => r);
          const patches = pairs.map(([, p]) => p);
          const extra = { ruleId: 'absent', message: { text: 'fixed' }, baselineState: 'absent' } as Result;
          const run = spool(results, patches, [extra]);
          const from = a % (results.length + 1);
          const to = toEnd ? results.length : from + (b % (results.length - from + 1));
          const map1 = new Map(m1);
          const map2 = new Map(m2);
          // Results fitGithubLimits changed as objects (their ruleIndex already the part's): written as they are.
          const objects = new Map(picks.filter(() => to > from).map((k): [number, Result] => [from + (k % (to - from)), { ruleId: `object ${k}`, message: { text: 'o' }, ruleIndex: k % 60 }]));
          const part = new SpooledPart(run, from, to, to === results.length ? run.extras : [], objects, map1);
          const slice = results.slice(from, to);
          // The part's map, then the one given to texts(); an index neither maps is kept.
          const both = (ri: number, then?: ReadonlyMap<number, number>) => then?.get(map1.get(ri) ?? ri) ?? map1.get(ri) ?? ri;
          const bothMap = (then?: ReadonlyMap<number, number>) => new Map([...map1.keys(), ...(then?.keys() ?? [])].map((k) => [k, both(k, then)]));
          const want = (then?: ReadonlyMap<number, number>): Result[] =>
            slice.map((r, i) => {
              const o = objects.get(from + i);
              return o ? { ...o, ruleIndex: then?.get(o.ruleIndex!) ?? o.ruleIndex } : expected(r, patches[from + i]!, bothMap(then));
            });
          expect(part.count).toBe(to - from);
          expect(part.extras).toEqual(to === results.length ? [extra] : []);
          expect(part.length).toBe(to - from + (to === results.length ? 1 : 0));
          slice.forEach((r, i) => {
            const o = objects.get(from + i);
            expect(part.at(i)).toEqual(want()[i]);
            expect(part.ruleIdAt(i)).toBe(o ? o.ruleId : run.ruleIdAt(from + i));
            expect(part.ruleIndexAt(i)).toBe(o ? o.ruleIndex : validIndex(r.ruleIndex) ? both(r.ruleIndex) : -1);
            expect(part.patch(i)).toBe(patches[from + i]);
          });
          expect([...part.texts(0, part.count)].map((t) => JSON.parse(t))).toEqual(want());
          // A map given to texts() applies after the part's own.
          expect([...part.texts(0, part.count, map2)].map((t) => JSON.parse(t))).toEqual(want(map2));
          // A part of a part: the same composition, the same results.
          const inner = new SpooledPart(part, 0, part.count, part.extras, new Map(), map2);
          expect([...inner.texts(0, inner.count)]).toEqual([...part.texts(0, part.count, map2)]);
          expect(slice.map((_, i) => inner.ruleIndexAt(i))).toEqual(slice.map((r, i) => {
            const o = objects.get(from + i);
            if (o) return map2.get(o.ruleIndex!) ?? o.ruleIndex;
            return validIndex(r.ruleIndex) ? both(r.ruleIndex, map2) : -1;
          }));
          expect([...part]).toEqual([...want(), ...part.extras]);
          expect(() => part.setPatch()).toThrow(/patched through its run/);
        },
      ),
      { numRuns: fuzzRuns(150, { max: SPOOL_MAX }) },
    );
  });

  it('fitGithubLimits: parts of 25,000 cover the run once, in order, and patches set later still apply', () => {
    const b = builder(1 << 20, 1 << 20);
    const n = 60_123;
    for (let i = 0; i < n; i++) b.add({ ruleId: `r${i % 97}`, ruleIndex: i % 97, message: { text: `finding ${i}` } });
    const run = b.seal();
    const rules = Array.from({ length: 97 }, (_, i) => ({ id: `r${i}` }));
    const log: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't', rules } }, results: run as unknown as Result[] }] };
    const parts = fitGithubLimits(log).runs;
    run.setPatch((i) => ({ correlationGuid: `g${i}` }));
    let k = 0;
    for (const part of parts) {
      const results = part.results as unknown as SpooledResults;
      for (const text of results.texts(0, results.count)) {
        expect(text).toBe(`{"ruleId":"r${k % 97}","message":{"text":"finding ${k}"},"ruleIndex":${k % 97},"correlationGuid":"g${k}"}`);
        k++;
      }
    }
    expect(k).toBe(n);
    expect(parts.map((p) => [p.automationDetails?.id, (p.results as unknown as SpooledResults).count])).toEqual([
      ['t-part1/', 25_000],
      ['t-part2/', 25_000],
      ['t-part3/', 10_123],
    ]);
  });

  it('rejects indexes and ranges outside the run; extras can be set', () => {
    const run = spool([{ message: { text: 'a' } }, { message: { text: 'b' } }] as Result[]);
    expect(() => run.at(2)).toThrow(RangeError);
    expect(() => [...run.texts(2, 1)]).toThrow(RangeError);
    expect(() => [...run.texts(1, 3)]).toThrow(RangeError);
    run.extras = [{ message: { text: 'x' } }];
    expect(run.length).toBe(3);
  });
});
