import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LargeJsonError, readLargeJson, type LargeJsonOptions } from '../../src/io/json-large.js';
import { isLazyArray } from '../../src/scanners/lazy-array.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import * as twoPass from './json-large-two-pass.js';

// json-large records where a lazy array's elements lie while it scans past them, and iterating reads
// those ranges: these properties check that nothing is lost or accepted that JSON.parse would not
// give, whatever the read size, and that damaged input fails as the two-pass reader did.

const dir = mkdtempSync(join(tmpdir(), 'secgate-one-scan-'));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, text);
  return p;
};

/** Every LazyArray read out at any depth, twice (each iteration reads the file again). */
const deep = (v: unknown): unknown => {
  if (isLazyArray(v)) {
    const once = [...v].map(deep);
    expect([...v].map(deep)).toEqual(once);
    expect(v.head.map(deep)).toEqual(once.slice(0, 1));
    return once;
  }
  if (Array.isArray(v)) return v.map(deep);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
  return v;
};

/** Strings made of what trips a byte scanner: quotes, backslashes, brackets, separators, multi-byte UTF-8. */
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', ' ', '\n', 'a', 'é', '€', '😀', '\u2028', '\u0000'), maxLength: 12 });
const leaf = fc.oneof(tricky, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(fc.oneof(tricky, fc.constant('__proto__'), fc.constant('results')), tie('value'), { maxKeys: 4 }),
}));
/** A SARIF-like run or Trivy-like Result: its big arrays are nested lazy arrays. */
const run = fc.record({ tool: value, results: fc.array(value, { maxLength: 10 }), Vulnerabilities: fc.array(value, { maxLength: 6 }), extra: value }, { requiredKeys: [] });
const doc = fc.record({
  version: value,
  runs: fc.array(fc.oneof(run, value), { maxLength: 4 }),
  matches: fc.array(value, { maxLength: 12 }),
  after: value,
});
const layout = fc.constantFrom<string | number | undefined>(undefined, 1, '\t', ' \r\n');

type Outcome = { data: unknown } | { phase: 'scan' | 'iterate'; message: string; offset: number; truncated: boolean };

/** What reading `path` gives: the data, or where and how it fails (the phase matters: read-report treats them apart). */
function outcome(read: (p: string, o: LargeJsonOptions) => Record<string, unknown>, Err: typeof LargeJsonError | typeof twoPass.LargeJsonError, path: string, opts: LargeJsonOptions): Outcome {
  let d: Record<string, unknown>;
  try {
    d = read(path, opts);
  } catch (e) {
    if (!(e instanceof Err)) throw e;
    return { phase: 'scan', message: e.message, offset: e.offset, truncated: e.truncated };
  }
  try {
    return { data: deep(d) };
  } catch (e) {
    if (!(e instanceof Err)) throw e;
    return { phase: 'iterate', message: e.message, offset: e.offset, truncated: e.truncated };
  }
}
const oneScan = (path: string, opts: LargeJsonOptions) => outcome(readLargeJson, LargeJsonError, path, opts);
const before = (path: string, opts: LargeJsonOptions) => outcome(twoPass.readLargeJson, twoPass.LargeJsonError, path, opts);

const split = ['runs', 'Results'];

describe('readLargeJson, one scan: the same data as JSON.parse', () => {
  it('random documents (nested arrays, tricky strings, "__proto__"), any read size, inline limit and hold budget', () => {
    fc.assert(
      fc.property(doc, layout, fc.integer({ min: 1, max: 48 }), fc.constantFrom(0, 1, 30, 200, 1 << 20), fc.constantFrom(0, 100, undefined), (d, indent, chunkSize, arrayInlineMax, holdMax) => {
        const text = JSON.stringify(d, null, indent);
        const expected = JSON.parse(text) as unknown;
        expect(oneScan(file(text), { chunkSize, arrayInlineMax, holdMax, splitElementsOf: split })).toEqual({ data: expected });
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('many elements: batches of ~64 KB, big split elements held and read again, every read size', () => {
    const results = Array.from({ length: 4000 }, (_, i) => ({ ruleId: `r${i}`, message: { text: `é"]}\\${'x'.repeat(i % 97)}` }, locations: [[i], { '[': ']' }] }));
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'a' } }, results }, { tool: { name: 'b' }, results: results.slice(0, 900) }, 'x', { results: [] }], after: [1] }, null, 1);
    for (const chunkSize of [997, 65536, 4 << 20])
      for (const holdMax of [0, undefined]) expect(oneScan(file(text), { chunkSize, arrayInlineMax: 1000, holdMax, splitElementsOf: split })).toEqual({ data: JSON.parse(text) });
  });

  it('empty arrays, arrays of non-objects, a big array whose first element is big', () => {
    for (const d of [{ matches: [] }, { matches: [[], [[]], '', 0, null] }, { runs: [{ results: Array.from({ length: 50 }, (_, i) => i) }, []] }, { runs: [] }])
      for (const chunkSize of [1, 7, 1 << 20]) {
        const text = JSON.stringify(d);
        expect(oneScan(file(text), { chunkSize, arrayInlineMax: 0, splitElementsOf: split })).toEqual({ data: d });
      }
  });
});

describe('readLargeJson, one scan: damaged documents fail as the two-pass reader did', () => {
  const damage = (text: string, at: number, insert: string, mode: number) => (mode === 0 ? text.slice(0, at) : mode === 1 ? text.slice(0, at) + insert + text.slice(at + 1) : text.slice(0, at) + insert + text.slice(at));
  const pieces = fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', 'x', ' 1', '{}', '[1]', '"a":', '\u00e9');

  it('the same error, offset and phase (scan or iteration) as before, on one damage to a random document', () => {
    fc.assert(
      fc.property(doc, layout, fc.nat(), pieces, fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 30, 200), (d, indent, pos, insert, mode, arrayInlineMax) => {
        const good = JSON.stringify(d, null, indent);
        // As written to the file (a damage that splits a surrogate pair leaves U+FFFD there).
        const text = Buffer.from(damage(good, pos % (good.length + 1), insert, mode)).toString();
        const path = file(text);
        const opts = (chunkSize: number) => ({ chunkSize, arrayInlineMax, splitElementsOf: split });
        // Read in one window, the one scan fails exactly as the two-pass reader did: the same error,
        // offset and phase.
        const whole = oneScan(path, opts(1 << 20));
        expect(whole).toEqual(before(path, opts(1 << 20)));
        // In small reads both readers may meet a damaged big element's own error before the scan's (or
        // after it) depending on where a read ends, and they end reads at other places: the document is
        // still refused (or read as JSON.parse reads it) as it is in one window.
        const now = [1, 7, 64].map((c) => oneScan(path, opts(c)));
        for (const o of now) expect('data' in o).toBe('data' in whole);
        now.push(whole);
        for (const o of now) if ('data' in o) expect(o.data).toEqual(JSON.parse(text));
      }),
      { numRuns: fuzzRuns(150), endOnFailure: process.env['FUZZ_RUNS'] !== undefined },
    );
  });

  it('a report cut anywhere: truncated at the end of the file, in the scan', () => {
    const text = JSON.stringify({ descriptor: { name: 'g' }, matches: Array.from({ length: 40 }, (_, i) => ({ i, s: 'é"]' })), source: {} }, null, 1);
    for (let at = 1; at < text.length; at += 7) {
      const got = oneScan(file(text.slice(0, at)), { chunkSize: 16, arrayInlineMax: 0 });
      expect(got).toMatchObject({ phase: 'scan' });
      expect(got).toEqual(before(file(text.slice(0, at)), { chunkSize: 1 << 20, arrayInlineMax: 0 }));
    }
  });
});
