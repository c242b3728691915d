import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../../src/io/key-table.js';
import { fuzzRuns } from '../helpers/fuzz.js';

// Keys as the correlator and the ledger make them, and the hostile ones a scanned package can carry:
// any UTF-16 (lone surrogates included), latin1 past ASCII, NUL, and strings that differ by one unit.
const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '|', '\u00e9', '\ud800', '\udc00', '\u0100', '\0'), maxLength: 12 }),
  fc.nat(5000).map((i) => `code|CWE-${i % 20}|src/module-${i % 300}/file-${i % 97}.ts|${i % 900}`),
);

describe('KeyTable', () => {
  it('gives each distinct string one dense id, in first-added order, and returns it exactly', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 400 }), (keys) => {
        const table = new KeyTable();
        const oracle = new Map<string, number>();
        for (const k of keys) {
          const expected = oracle.get(k) ?? oracle.size;
          oracle.set(k, expected);
          expect(table.add(k)).toBe(expected);
        }
        expect(table.size).toBe(oracle.size);
        for (const [k, id] of oracle) {
          expect(table.get(id)).toBe(k);
          expect(table.find(k)).toBe(id);
        }
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('finds nothing for a string never added, however close to one that was', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 200 }), key, (keys, probe) => {
        const table = new KeyTable();
        for (const k of keys) table.add(k);
        expect(table.find(probe)).toBe(keys.indexOf(probe));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('keeps latin1 and UTF-16 spellings apart and lossless ("\\u00e9" vs "\\u00e9\\u0100", lone surrogates)', () => {
    const table = new KeyTable();
    const keys = ['é', 'é\u0100', '\ud800', '\udc00', '\ud800\udc00', '\u0100', 'Ā', '', '\0', 'a\0'];
    const ids = keys.map((k) => table.add(k));
    expect(new Set(ids).size).toBe(new Set(keys).size);
    keys.forEach((k, i) => expect(table.get(ids[i]!)).toBe(k));
  });

  it('grows past its first buffers (100k keys, long keys) with every key intact', () => {
    const table = new KeyTable();
    const long = 'x'.repeat(70_000);
    for (let i = 0; i < 100_000; i++) expect(table.add(`vuln|pkg:npm/p-${i}@1.0.0|CVE-2024-${i}`)).toBe(i);
    expect(table.add(long)).toBe(100_000);
    expect(table.add(`${long}\u0100`)).toBe(100_001);
    for (const i of [0, 1, 4095, 65_536, 99_999]) expect(table.get(i)).toBe(`vuln|pkg:npm/p-${i}@1.0.0|CVE-2024-${i}`);
    expect(table.get(100_000)).toBe(long);
    expect(table.add(`vuln|pkg:npm/p-77@1.0.0|CVE-2024-77`)).toBe(77);
    expect(() => table.get(100_002)).toThrow(RangeError);
  });
});
