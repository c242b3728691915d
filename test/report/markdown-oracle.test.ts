import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultSpool } from '../../src/io/result-spool.js';
import { eachFinding, findingsOf } from '../../src/report/findings.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { findingsLog, spooledLog } from '../helpers/findings-log.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { findingsOf as oracleFindingsOf } from './findings-oracle.js';
import { oracleRenderMarkdown } from './markdown-oracle.js';

const spool = ResultSpool.create();
afterAll(() => spool.close());

const NOW = new Date('2026-11-23T12:00:00Z');

describe('renderMarkdown (one lazy pass over the findings) = the old one (every FindingView, whole lists sorted)', () => {
  it('on generated logs, in memory and spooled, at several detail limits and sizes', () => {
    fc.assert(
      fc.property(findingsLog, fc.constantFrom(1, 3, 10), fc.constantFrom(65_536, 1_500), fc.boolean(), (g, detailsLimit, maxChars, withNow) => {
        const opts = { maxChars, detailsLimit, ...(withNow ? { now: NOW } : {}) };
        expect(renderMarkdown(g.log, opts)).toBe(oracleRenderMarkdown(g.log, opts));
        const { spooled, hydrated } = spooledLog(g, spool);
        expect(renderMarkdown(spooled, opts)).toBe(oracleRenderMarkdown(hydrated, opts));
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('eachFinding gives the old findingsOf, rules found by index or id (spooled rules read one by one)', () => {
    fc.assert(
      fc.property(findingsLog, (g) => {
        expect(findingsOf(g.log)).toEqual(oracleFindingsOf(g.log));
        const { spooled, hydrated } = spooledLog(g, spool);
        expect([...eachFinding(spooled)]).toEqual(oracleFindingsOf(hydrated));
      }),
      { numRuns: fuzzRuns(100) },
    );
  });
});
