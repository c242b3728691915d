import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { prettyJsonChunks } from '../../src/io/json-chunks.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { OutputError } from '../../src/errors.js';
import { sarifChunks, sarifJson } from '../../src/report/sarif.js';
import { hostileLog } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const joined = (v: unknown, depth?: number) => [...prettyJsonChunks(v, depth)].join('');

describe('prettyJsonChunks: JSON.stringify(v, null, 2) in pieces', () => {
  it('matches JSON.stringify on the cases where it skips, nulls or converts values', () => {
    const cases: unknown[] = [
      { a: undefined, b: () => 1, c: Symbol('s'), d: 1 },
      [undefined, () => 1, Symbol('s'), 2],
      { empty: {}, none: [], onlyUndefined: { x: undefined } },
      { when: new Date(0), boxed: Object(3), str: Object('s'), nested: { deeper: { deepest: { bottom: [1, { z: 'a\nb' }] } } } },
      { withToJSON: { toJSON: () => ({ replaced: true }) } },
      Object.assign(Object.create(null) as object, { proto: 'null' }),
      'top-level string',
      42,
      null,
      [],
      {},
    ];
    for (const c of cases) for (const depth of [0, 1, 2, 4, 10]) expect(joined(c, depth)).toBe(JSON.stringify(c, null, 2));
  });

  it('matches JSON.stringify for any JSON value, at any walk depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 8 }), (v, depth) => {
        expect(joined(v, depth)).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('matches JSON.stringify for objects with undefined members and odd keys', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(undefined, null, true, 0, -0, 1.5, 'x', '\u2028\u202e\u0085'),
        fc.string(),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(value.node, (v) => {
        fc.pre(v !== undefined);
        expect(joined(v)).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('sarifChunks', () => {
  it('is sarifJson byte for byte, bidi/C1/zero-width escaping included', () => {
    const log = hostileLog();
    expect([...sarifChunks(log)].join('')).toBe(sarifJson(log));
  });

  it('is sarifJson byte for byte on a log with many results', () => {
    const results = Array.from({ length: 2000 }, (_, i) => ({ ruleId: `R${i % 7}`, message: { text: `finding ${i}\u202e` }, properties: { n: i, tags: ['a', 'b'] } }));
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't', rules: [] } }, results }] } as unknown as Log;
    const pieces = [...sarifChunks(log)];
    // Results are stringified in batches: pieces, not one string per result nor one for the log.
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.length).toBeLessThan(100);
    expect(pieces.join('')).toBe(sarifJson(log));
  });
});

describe('writeFileAtomic with pieces', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'secgate-chunks-'));

  it('writes every piece in order across several 1 MB batches', async () => {
    const dir = fresh();
    const path = join(dir, 'big.sarif');
    const piece = (i: number) => `${String(i).padStart(8, '0')}${'x'.repeat(1000)}\n`;
    function* pieces() {
      for (let i = 0; i < 5000; i++) yield piece(i);
    }
    await writeFileAtomic(path, pieces());
    const text = readFileSync(path, 'utf8');
    expect(text).toBe([...pieces()].join(''));
    expect(text.length).toBeGreaterThan(3 << 20);
    expect(readdirSync(dir)).toEqual(['big.sarif']);
  });

  it('a failure while producing the pieces leaves the previous file intact and no temp file', async () => {
    const dir = fresh();
    const path = join(dir, 'out.sarif');
    writeFileSync(path, 'previous');
    function* failing() {
      yield 'x'.repeat(2 << 20);
      throw new Error('Invalid string length');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toBeInstanceOf(OutputError);
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['out.sarif']);
  });
});
