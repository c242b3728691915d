import fc from 'fast-check';
import { Ajv, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import equalModule from 'ajv/dist/runtime/equal.js';
import { describe, expect, it } from 'vitest';
import { firstDuplicate, useLinearUniqueItems } from '../../src/sarif/validate-unique.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const equal = ((equalModule as unknown as { default?: unknown }).default ?? equalModule) as (a: unknown, b: unknown) => boolean;
/** ajv's own loop (uniqueItems on non-scalar items). */
function ajvLoop(a: readonly unknown[]): [number, number] | undefined {
  for (let i = a.length; i--; ) for (let j = i; j--; ) if (equal(a[i], a[j])) return [i, j];
  return undefined;
}

/** Values from a small domain, so duplicates (and near-duplicates: key order, -0, undefined members) are common. */
const leaf = fc.constantFrom<unknown>(0, -0, 1, '1', 'a', '', true, false, null, NaN, undefined);
const key = fc.constantFrom('a', 'b', 'c', '__proto__', 'x y');
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
})).v;
/** The same object with its keys in another order (deep equal for ajv). */
const shuffled = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(shuffled);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffled(x)]));
  return v;
};
const arrays = fc.array(fc.tuple(value, fc.boolean()), { maxLength: 12 }).map((xs) => xs.map(([v, s]) => (s ? shuffled(v) : v)));

describe('firstDuplicate: what ajv\'s uniqueItems loop finds, in linear time', () => {
  it('the same pair (or none) as the pairwise deep-equal loop, for any array', () => {
    const same = (a: unknown[]) => {
      let expected: ReturnType<typeof ajvLoop>;
      try {
        expected = ajvLoop(a);
      } catch {
        // fast-deep-equal calls valueOf/toString: an object whose own member of that name is no function
        // (or a "__proto__" key set to null) throws, in both.
        expect(() => firstDuplicate(a)).toThrow(TypeError);
        return;
      }
      expect(firstDuplicate(a)).toEqual(expected);
    };
    fc.assert(fc.property(arrays, same), { numRuns: fuzzRuns(2000) });
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 10 }), (xs) => same([...xs, ...xs.slice(0, 2).map(shuffled)])),
      { numRuns: fuzzRuns(500) },
    );
  });

  it('examples: key order, -0, NaN, undefined members, other prototypes', () => {
    expect(firstDuplicate([{ a: 1, b: 2 }, { b: 2, a: 1 }])).toEqual([1, 0]);
    expect(firstDuplicate([0, -0])).toEqual([1, 0]);
    expect(firstDuplicate([NaN, NaN])).toEqual([1, 0]);
    expect(firstDuplicate([{ a: undefined }, {}])).toBeUndefined();
    expect(firstDuplicate([1, '1', [1], { 0: 1 }])).toBeUndefined();
    expect(firstDuplicate([new Date(0), new Date(0)])).toEqual(ajvLoop([new Date(0), new Date(0)]));
    expect(firstDuplicate([{ x: 1 }, { y: 2 }, { x: 1 }, { y: 2 }, { z: 3 }])).toEqual([3, 1]);
    // A thousand distinct rules and one repeated: found at once.
    const rules = Array.from({ length: 1000 }, (_, i) => ({ id: `R${i}`, properties: { tags: ['a', 'b'] } }));
    expect(firstDuplicate([...rules, { properties: { tags: ['a', 'b'] }, id: 'R7' }])).toEqual([1000, 7]);
  });
});

describe('useLinearUniqueItems: ajv with it gives the same verdicts and errors', () => {
  const itemsSchemas = fc.constantFrom<Record<string, unknown> | undefined>(
    undefined,
    { type: 'object' },
    { type: 'array' },
    { type: 'string' },
    { type: ['string', 'number'] },
    { type: ['object', 'null'] },
    { $ref: '#/definitions/thing' },
    { properties: { id: { type: 'string' } } },
  );
  const schemas = fc.record({ unique: fc.boolean(), items: itemsSchemas, nested: fc.boolean() }).map(({ unique, items, nested }) => {
    const array = { type: 'array', uniqueItems: unique, ...(items ? { items } : {}) };
    return { definitions: { thing: { type: 'object' } }, ...(nested ? { type: 'object', properties: { list: array, other: { type: 'array', uniqueItems: true } } } : array) };
  });
  const data = fc.oneof(arrays, fc.record({ list: arrays, other: arrays }), value);

  for (const [name, make] of [
    ['draft-07', () => new Ajv({ allErrors: false, strict: false })],
    ['draft-04', () => new (((AjvDraft04 as unknown as { default?: unknown }).default ?? AjvDraft04) as new (o: object) => Ajv)({ allErrors: false, strict: false })],
    ['allErrors', () => new Ajv({ allErrors: true, strict: false })],
  ] as const) {
    it(`${name}: same result as ajv's own keyword`, () => {
      fc.assert(
        fc.property(schemas, data, (schema, d) => {
          const reference = make().compile(schema);
          const ajv = make();
          useLinearUniqueItems(ajv);
          const linear = ajv.compile(schema);
          const view = (v: ValidateFunction) => ({ ok: v(d), errors: v.errors ?? null });
          let expected: unknown;
          try {
            expected = view(reference);
          } catch (e) {
            // fast-deep-equal throws on some objects (a null prototype): so must the linear keyword.
            expect(() => view(linear)).toThrow((e as Error).constructor as ErrorConstructor);
            return;
          }
          expect(view(linear)).toEqual(expected);
        }),
        { numRuns: fuzzRuns(400) },
      );
    });
  }
});
