import fc from 'fast-check';
import { describe, it } from 'vitest';
import { grypeJson } from '../../src/scanners/grype/json.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb, seeds } from './mutate.js';

const docs = seeds(['grype.json', 'variants/grype-legacy-dir.json'], 'grype', (rel) => rel.endsWith('.json') && !rel.includes('sbom') || /Json.*Presenter\.golden$/.test(rel));

describe('grype adapter under mutated reports', () => {
  it.each(docs.map((d) => [d.name, d.doc] as const))('%s: a typed error or runs that validate, never a crash', (_name, doc) => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkAdapter(grypeJson, mutate(doc, ms))),
      { numRuns: Math.ceil(FUZZ_RUNS / docs.length) + 20 },
    );
  });

  it('random JSON: a typed error or runs that validate', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => checkAdapter(grypeJson, doc)), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.record({ matches: fc.array(fc.jsonValue(), { maxLength: 3 }), ignoredMatches: fc.jsonValue(), source: fc.jsonValue(), descriptor: fc.jsonValue() }, { requiredKeys: ['matches'] }), (doc) => checkAdapter(grypeJson, doc)), { numRuns: FUZZ_RUNS });
  });
});
