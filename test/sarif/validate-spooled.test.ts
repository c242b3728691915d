import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import { parseReport } from '../../src/io/read-report.js';
import { mergeRuns } from '../../src/sarif/merge.js';
import { createResultValidator, createSarifValidator } from '../../src/sarif/validate.js';
import { ResultSpool } from '../../src/io/result-spool.js';
import { fakeSpooled, realSpooled } from '../helpers/fake-spooled.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { SCHEMAS } from '../helpers/corpus.js';
import { HAVE_OFFICIAL_SCHEMA } from '../helpers/sarif-schema.js';
import { FIXTURES, mutate, mutationArb } from '../fuzz/mutate.js';

/** A real merged log (Grype and Trivy fixtures), as plain JSON. */
function fixtureLog(): Log {
  const read = (f: string) => parseReport({ path: f }, readFileSync(join(FIXTURES, f), 'utf8'), { unknownSeverity: 'medium' }).runs;
  return JSON.parse(JSON.stringify(mergeRuns([...read('grype.json'), ...read('trivy.json')]))) as Log;
}
const LOG = fixtureLog();
const structural = createSarifValidator();
const perResult = createResultValidator();

let spool: ResultSpool | undefined;
afterAll(() => spool?.close());

/** The log with run `k`'s results spooled: the first `spooled` of them behind the fake (or the real one), the rest extras. */
function spooledAt(log: Log, k: number, spooled: number, real = false): Log {
  const results = log.runs[k]!.results ?? [];
  const fake = real ? realSpooled((spool ??= ResultSpool.create()), results.slice(0, spooled), results.slice(spooled)) : fakeSpooled(results.slice(0, spooled), results.slice(spooled));
  return { ...log, runs: log.runs.map((r, i) => (i === k ? { ...r, results: fake as unknown as Result[] } : r)) };
}

describe('createResultValidator: one result against the structural schema', () => {
  it('has the results of a valid log valid, and a log check finds what the per-result check finds, at the same path', () => {
    expect(LOG.runs.length).toBeGreaterThan(0);
    expect(structural(LOG)).toEqual([]);
    for (const [k, run] of LOG.runs.entries()) for (const [i, r] of (run.results ?? []).entries()) expect(perResult(r, `/runs/${k}/results/${i}`)).toEqual([]);
    const results = LOG.runs.flatMap((run, k) => (run.results ?? []).map((r, i) => ({ k, i, r })));
    fc.assert(
      fc.property(fc.nat(results.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (n, ms) => {
        const { k, i, r } = results[n]!;
        const bad = mutate(r, ms) as Result;
        const log = { ...LOG, runs: LOG.runs.map((run, j) => (j === k ? { ...run, results: run.results!.map((x, m) => (m === i ? bad : x)) } : run)) };
        // The log validator stops at its first error: the result's first error, when the rest is valid.
        expect(structural(log)).toEqual(perResult(bad, `/runs/${k}/results/${i}`));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('paths: under the given path, "/" for a problem of nothing but the root', () => {
    expect(perResult({ message: { text: 'x' } } as Result, '/runs/0/results/3')).toEqual([{ path: '/runs/0/results/3', message: "must have required property 'locations'" }]);
    expect(perResult({ message: { text: 'x' }, locations: [], level: 'bad' } as unknown as Result, '/runs/1/results/0')[0]!.path).toBe('/runs/1/results/0/level');
    expect(perResult(null as unknown as Result, '')).toEqual([{ path: '/', message: 'must be object' }]);
  });
});

describe('createSarifValidator over spooled runs', () => {
  it('structural schema: the run and its extras are checked, the spooled results are not read (each was checked as it was spooled)', () => {
    const k = LOG.runs.findIndex((r) => (r.results?.length ?? 0) >= 2);
    expect(k).toBeGreaterThanOrEqual(0);
    const log = spooledAt(LOG, k, 1);
    expect(structural(log)).toEqual([]);
    // An invalid extra is found, at its real index (after the spooled ones).
    const badExtra = spooledAt({ ...LOG, runs: LOG.runs.map((r, i) => (i === k ? { ...r, results: r.results!.map((x, m) => (m === 1 ? { ...x, level: 'loud' as never } : x)) } : r)) }, k, 1);
    expect(structural(badExtra)).toEqual([{ path: `/runs/${k}/results/1/level`, message: 'must be equal to one of the allowed values (none, note, warning, error)' }]);
    // A problem of the run itself.
    const badRun = { ...log, runs: log.runs.map((r, i) => (i === k ? { ...r, tool: { driver: { ...r.tool.driver, name: '' } } } : r)) };
    expect(structural(badRun)).toEqual([{ path: `/runs/${k}/tool/driver/name`, message: 'must NOT have fewer than 1 characters' }]);
    // The spooled results themselves are not read by the log check.
    const unread = fakeSpooled([{ message: { text: 'no locations' } } as Result]);
    unread.at = () => {
      throw new Error('read');
    };
    unread.texts = () => {
      throw new Error('read');
    };
    expect(structural({ ...LOG, runs: [{ ...LOG.runs[0]!, results: unread as unknown as Result[] }] })).toEqual([]);
  });

  it('structural schema, property: spooled log + per-result checks find a problem exactly when the in-memory log check does', () => {
    const flat = LOG.runs.flatMap((run, k) => (run.results ?? []).map((_, i) => ({ k, i })));
    fc.assert(
      fc.property(fc.nat(flat.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 2 }), fc.nat(), (n, ms, cut) => {
        const { k, i } = flat[n]!;
        const results = LOG.runs[k]!.results!.map((x, m) => (m === i ? (mutate(x, ms) as Result) : x));
        const inMemory = { ...LOG, runs: LOG.runs.map((r, j) => (j === k ? { ...r, results } : r)) };
        const spooled = cut % (results.length + 1);
        const log = spooledAt(inMemory, k, spooled, n % 2 === 1);
        const found = [...structural(log), ...results.slice(0, spooled).flatMap((r, m) => perResult(r, `/runs/${k}/results/${m}`))];
        const expected = structural(inMemory);
        expect(found.length > 0).toBe(expected.length > 0);
        // One result is broken: its first error, wherever it is.
        if (expected.length) expect(found[0]).toEqual(expected[0]);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it.runIf(HAVE_OFFICIAL_SCHEMA)('a user schema (the official OASIS one): the same problems as in memory (its results checked one by one, validate-results.test.ts)', () => {
    const official = createSarifValidator(JSON.parse(readFileSync(join(SCHEMAS, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>);
    const k = LOG.runs.findIndex((r) => (r.results?.length ?? 0) >= 2);
    expect(official(spooledAt(LOG, k, 1))).toEqual([]);
    expect(official(spooledAt(LOG, k, 1, true))).toEqual([]);
    // A spooled result the official schema rejects (rank over 100) is found.
    const results = LOG.runs[k]!.results!.map((x, m) => (m === 0 ? { ...x, rank: 200 } : x));
    const inMemory = { ...LOG, runs: LOG.runs.map((r, j) => (j === k ? { ...r, results } : r)) };
    const problems = official(spooledAt(inMemory, k, 2));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(official(inMemory));
    expect(official(spooledAt(inMemory, k, 2, true))).toEqual(problems);
  });

  it('any JSON is still validated as it was (nothing spooled in it)', () => {
    for (const v of [null, 1, 'x', [], {}, { runs: null }, { runs: [null, 1, { results: null }] }]) {
      expect(structural(v as unknown as Log).length).toBeGreaterThan(0);
      expect(createSarifValidator({ type: 'object' })(v as unknown as Log)).toEqual(v !== null && typeof v === 'object' && !Array.isArray(v) ? [] : [{ path: '/', message: 'must be object' }]);
    }
  });

  it('a user schema sees patches: the results read back carry them', () => {
    const schema = { type: 'object', properties: { runs: { type: 'array', items: { properties: { results: { type: 'array', items: { required: ['baselineState'] } } } } } } };
    const results: Result[] = [{ message: { text: 'a' } }, { message: { text: 'b' } }];
    const withPatches = fakeSpooled(results, [], [{ baselineState: 'new' }, { baselineState: 'unchanged' }]);
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: withPatches as unknown as Result[] }] } as Log;
    expect(createSarifValidator(schema)(log)).toEqual([]);
    const partly = { ...log, runs: [{ ...log.runs[0]!, results: fakeSpooled(results, [], [{ baselineState: 'new' }]) as unknown as Result[] }] };
    expect(createSarifValidator(schema)(partly)).toEqual([{ path: '/runs/0/results/1', message: "must have required property 'baselineState'" }]);
  });
});
