import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { sarifLog } from '../../src/scanners/sarif/sarif.js';
import { parseReport } from '../../src/io/read-report.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb, seeds } from './mutate.js';

const docs = [...seeds(['semgrep.sarif', 'variants/codeql-javascript.sarif', 'variants/gitleaks.sarif', 'variants/merged-multirun.sarif'], 'sarif', () => true), ...seeds([], 'grype', (rel) => /Sarif.*\.golden$/.test(rel))];

/**
 * SARIF runs are passed through as their producer wrote them, and only completed. So the output
 * satisfies the official schema when the input did; an input that breaks the official schema in a
 * field secgate does not read is the producer's (GitHub will say so); secgate still guarantees
 * its structural schema (GitHub's rules) or a typed error.
 */
const inputWasValid = (doc: unknown) => sarifProblems(doc as Log).filter((p) => p.startsWith('official')).length === 0;

describe('SARIF adapter under mutated logs', () => {
  it.each(docs.map((d) => [d.name, d.doc] as const))('%s: a typed error or runs that validate, never a crash', (_name, doc) => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkAdapter(sarifLog, mutate(doc, ms), inputWasValid)),
      { numRuns: Math.ceil(FUZZ_RUNS / docs.length) + 20 },
    );
  });

  it('random JSON: a typed error or runs that validate', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => checkAdapter(sarifLog, doc, inputWasValid)), { numRuns: FUZZ_RUNS });
    const result = fc.record({ ruleId: fc.jsonValue(), ruleIndex: fc.jsonValue(), level: fc.jsonValue(), message: fc.jsonValue(), locations: fc.jsonValue(), properties: fc.jsonValue() }, { requiredKeys: [] });
    const log = fc.record({ version: fc.constant('2.1.0'), runs: fc.array(fc.record({ tool: fc.record({ driver: fc.record({ name: fc.jsonValue(), rules: fc.jsonValue() }, { requiredKeys: [] }) }), results: fc.array(result, { maxLength: 3 }) }, { requiredKeys: ['tool'] }), { maxLength: 2 }) });
    fc.assert(fc.property(log, (doc) => checkAdapter(sarifLog, doc, inputWasValid)), { numRuns: FUZZ_RUNS });
  });

  it('names the JSON path of a malformed value in one line', () => {
    const bad = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { region: { startLine: 'ten' } } }] }] }] };
    expect(() => parseReport({ path: 'bad.sarif' }, JSON.stringify(bad), { unknownSeverity: 'medium' })).toThrow(
      'bad.sarif ($.runs[0].results[0].locations[0].physicalLocation.region.startLine): does not look like SARIF 2.1.0: must be integer',
    );
  });
});
