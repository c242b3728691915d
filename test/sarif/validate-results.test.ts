import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { parseReport } from '../../src/io/read-report.js';
import { mergeRuns } from '../../src/sarif/merge.js';
import { createSarifValidator } from '../../src/sarif/validate.js';
import { resultItemsPointer } from '../../src/sarif/validate-results.js';
import { fakeSpooled, realSpooled } from '../helpers/fake-spooled.js';
import { SCHEMAS } from '../helpers/corpus.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { HAVE_OFFICIAL_SCHEMA } from '../helpers/sarif-schema.js';
import { FIXTURES, mutate, mutationArb } from '../fuzz/mutate.js';

type Schema = Record<string, unknown>;
const simple = (results: Schema, run: Schema = {}, runs: Schema = {}, log: Schema = {}): Schema => ({
  type: 'object',
  ...log,
  properties: { runs: { type: 'array', ...runs, items: { type: 'object', ...run, properties: { results: { type: 'array', ...results } } } } },
});
const item = { items: { type: 'object', required: ['message'] } };

describe('resultItemsPointer: does the schema only check results one by one?', () => {
  it.runIf(HAVE_OFFICIAL_SCHEMA)('the official OASIS schema does: #/definitions/run/properties/results/items', () => {
    expect(resultItemsPointer(JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')) as Schema)).toBe('#/definitions/run/properties/results/items');
  });

  it('follows local $refs, and accepts counts on runs and harmless keywords', () => {
    expect(resultItemsPointer(simple(item))).toBe('#/properties/runs/items/properties/results/items');
    expect(resultItemsPointer(simple({ ...item, minItems: 0, uniqueItems: false, description: 'd', default: [] }, { required: ['results'], additionalProperties: false }, { minItems: 1, maxItems: 20 }))).toBeDefined();
    const refs = { $ref: '#/definitions/log', definitions: { log: { properties: { runs: { items: { $ref: '#/definitions/run' } } } }, run: { properties: { results: { $ref: '#/definitions/results' } } }, results: { items: { $ref: '#/definitions/result' } }, result: {} } };
    expect(resultItemsPointer(refs)).toBe('#/definitions/results/items');
    // Escaped names in pointers.
    const odd = { properties: { runs: { items: { $ref: '#/definitions/a~1b%20c' } } }, definitions: { 'a/b c': { properties: { results: item } } } };
    expect(resultItemsPointer(odd)).toBe('#/definitions/a~1b%20c/properties/results/items');
  });

  it('says no whenever the schema may look at a run\'s results as a whole (the log is then checked whole)', () => {
    const unsound: Schema[] = [
      simple({ ...item, maxItems: 5 }),
      simple({ ...item, minItems: 1 }),
      simple({ ...item, uniqueItems: true }),
      simple({ ...item, contains: { required: ['x'] } }),
      simple({ items: [{ type: 'object' }] }),
      simple(item, { allOf: [{ required: ['results'] }] }),
      simple(item, { if: { required: ['x'] }, then: { properties: { results: { maxItems: 1 } } } }),
      simple(item, { patternProperties: { '^res': { maxItems: 1 } } }),
      simple(item, { patternProperties: { '(': {} } }),
      simple(item, { dependencies: { results: ['tool'] } }),
      simple(item, {}, { uniqueItems: true }),
      simple(item, {}, { contains: {} }),
      simple(item, {}, {}, { anyOf: [{}] }),
      simple(item, { id: 'run.json' }),
      { type: 'object', properties: { runs: { items: { additionalProperties: { items: {} } } } } },
      { properties: { runs: { items: { $ref: 'https://example.com/run.json' } } } },
      { properties: { runs: { items: { $ref: '#/definitions/run', required: ['results'] } } }, definitions: { run: { properties: { results: item } } } },
      { properties: { runs: { items: { $ref: '#/definitions/nowhere' } } } },
      { properties: { runs: { items: { $ref: '#/definitions/a' } } }, definitions: { a: { $ref: '#/definitions/a' } } },
      { properties: { runs: { items: { properties: { results: { $ref: '#/definitions/r' } } } } }, definitions: { r: { items: {}, maxItems: 3 } } },
      { properties: {} },
      {},
    ];
    for (const s of unsound) expect(resultItemsPointer(s), JSON.stringify(s)).toBeUndefined();
  });
});

const read = (f: string) => parseReport({ path: f }, readFileSync(join(FIXTURES, f), 'utf8'), { unknownSeverity: 'medium' }).runs;
const LOG = JSON.parse(JSON.stringify(mergeRuns([...read('grype.json'), ...read('trivy.json')]))) as Log;
let spool: ResultSpool | undefined;
afterAll(() => spool?.close());

/** Run k's first `cut` results spooled (the real spool when `real`), the rest extras. */
function spooledAt(log: Log, k: number, cut: number, real: boolean): Log {
  const results = log.runs[k]!.results ?? [];
  const s = real ? realSpooled((spool ??= ResultSpool.create()), results.slice(0, cut), results.slice(cut)) : fakeSpooled(results.slice(0, cut), results.slice(cut));
  return { ...log, runs: log.runs.map((r, i) => (i === k ? { ...r, results: s as unknown as Result[] } : r)) };
}

describe('a user schema over spooled runs: results checked one at a time when the schema allows it', () => {
  const schemas: [string, Schema][] = [
    ['one by one', simple({ items: { type: 'object', required: ['message'], properties: { rank: { maximum: 100 }, level: { enum: ['none', 'note', 'warning', 'error'] } } } })],
    ['whole (maxItems)', simple({ maxItems: 1000, items: { type: 'object', required: ['message'], properties: { rank: { maximum: 100 }, level: { enum: ['none', 'note', 'warning', 'error'] } } } })],
  ];
  if (HAVE_OFFICIAL_SCHEMA) schemas.push(['official', JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')) as Schema]);

  for (const [name, schema] of schemas) {
    it(`${name}: the same verdict as the in-memory log, for mutated results and runs`, () => {
      const validate = createSarifValidator(schema);
      expect(validate(LOG)).toEqual([]);
      const places = LOG.runs.flatMap((run, k) => (run.results ?? []).map((_, i) => ({ k, i })));
      fc.assert(
        fc.property(fc.nat(places.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 2 }), fc.boolean(), fc.nat(), fc.boolean(), (n, ms, onRun, cut, real) => {
          const { k, i } = places[n]!;
          const run = LOG.runs[k]!;
          const mutated = onRun ? (mutate({ ...run, results: [] }, ms) as typeof run) : run;
          if (!mutated || typeof mutated !== 'object' || Array.isArray(mutated)) return;
          const results = run.results!.map((x, m) => (!onRun && m === i ? (mutate(x, ms) as Result) : x));
          const inMemory = { ...LOG, runs: LOG.runs.map((r, j) => (j === k ? { ...mutated, results } : r)) };
          const expected = validate(inMemory);
          const got = validate(spooledAt(inMemory, k, cut % (results.length + 1), real));
          expect(got.length > 0).toBe(expected.length > 0);
          // One place is broken: the same problem.
          expect(got).toEqual(expected);
        }),
        { numRuns: fuzzRuns(150) },
      );
    });
  }

  it('one by one: the spooled results are read as texts, never all materialised', () => {
    const validate = createSarifValidator(schemas[0]![1]);
    const results = LOG.runs[0]!.results!;
    const s = fakeSpooled(results, [], []);
    s.at = () => {
      throw new Error('materialised');
    };
    s[Symbol.iterator] = () => {
      throw new Error('materialised');
    };
    const log = { ...LOG, runs: [{ ...LOG.runs[0]!, results: s as unknown as Result[] }] };
    expect(validate(log)).toEqual([]);
    const bad = fakeSpooled(results.map((r, m) => (m === results.length - 1 ? { ...r, rank: 101 } : r)));
    bad.at = s.at;
    bad[Symbol.iterator] = s[Symbol.iterator];
    expect(validate({ ...log, runs: [{ ...log.runs[0]!, results: bad as unknown as Result[] }] })).toEqual([{ path: `/runs/0/results/${results.length - 1}/rank`, message: 'must be <= 100' }]);
  });
});
