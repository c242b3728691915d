import fc from 'fast-check';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { validateStructural } from '../../src/generated/sarif.js';
import { sarifStructuralSchema } from '../../src/sarif/structural-schema.js';
import { fuzzRuns } from '../helpers/fuzz.js';

// gen-validators.mjs replaces ajv's uniqueItems loop over strings (a dictionary object per array) with
// firstDuplicate: the verdict and the error (params i/j included) must stay ajv's, "__proto__" quirk and all.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => unknown;

describe('uniqueItems on strings (firstDuplicate in the generated validators)', () => {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  const reference = ajv.compile(sarifStructuralSchema);
  const tag = fc.oneof(fc.constantFrom('security', 'container', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0', '1'), fc.string({ maxLength: 2 }));
  // Short arrays take the nested loop, long ones (over 32) the Map.
  const tags = fc.oneof(fc.array(tag, { maxLength: 6 }), fc.array(tag, { minLength: 30, maxLength: 70 }), fc.uniqueArray(fc.string(), { minLength: 33, maxLength: 60 }));
  const logWith = (where: number, t: unknown[]) => ({
    version: '2.1.0',
    ...(where === 0 ? { properties: { tags: t } } : {}),
    runs: [
      {
        tool: { driver: { name: 't', rules: [{ id: 'r', shortDescription: { text: 'r' }, fullDescription: { text: 'r' }, help: { text: 'r' }, ...(where === 1 ? { properties: { tags: t } } : {}) }] } },
        ...(where === 2 ? { properties: { tags: t } } : {}),
        results: [{ message: { text: 'm' }, locations: [{}], properties: { 'security-severity': '5.0', ...(where === 3 ? { tags: t } : {}) } }],
      },
    ],
  });

  it('same verdict and errors as a run-time compile (property)', () => {
    fc.assert(
      fc.property(fc.nat(3), tags, (where, t) => {
        const log = logWith(where, t);
        const ok = validateStructural(log);
        expect(ok).toBe(reference(log));
        const view = (e: typeof reference.errors) => (e ?? []).map(({ schemaPath: _, ...rest }) => rest);
        if (!ok) expect(view(validateStructural.errors)).toEqual(view(reference.errors));
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it('reports the pair ajv reports, in short and long arrays', () => {
    const long = Array.from({ length: 40 }, (_, i) => `t${i}`);
    for (const t of [['a', 'b', 'a', 'b'], ['x', 'a', 'a', 'a'], [...long, 't3', 't5'], ['__proto__', '__proto__'], ['constructor', 'constructor']]) {
      for (const where of [0, 1, 2, 3]) {
        const log = logWith(where, t);
        expect(validateStructural(log)).toBe(reference(log));
        expect(validateStructural.errors?.[0]?.params).toEqual(reference.errors?.[0]?.params);
      }
    }
    expect(validateStructural(logWith(3, ['a', 'b', 'a']))).toBe(false);
    expect(validateStructural.errors?.[0]).toMatchObject({ instancePath: '/runs/0/results/0/properties/tags', params: { i: 0, j: 2 } });
  });

  it('the generator recognises every uniqueItems loop it rewrites, or fails', async () => {
    const gen = (await import('../../scripts/gen-validators.mjs' as string)) as { fastUniqueStrings: (code: string) => string };
    expect(() => gen.fastUniqueStrings('const indices0 = {};for(;;){}')).toThrow(/0 of 1/);
    expect(gen.fastUniqueStrings('let x = 1;')).toBe('let x = 1;');
  });
});
