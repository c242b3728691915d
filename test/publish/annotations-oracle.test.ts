import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { annotationLines } from '../../src/publish/github.js';
import { findingsLog, spooledLog } from '../helpers/findings-log.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { oracleAnnotationLines } from './annotations-oracle.js';

const spool = ResultSpool.create();
afterAll(() => spool.close());

describe('annotationLines (compact per-class state) = the old one (a Candidate per class, all sorted)', () => {
  it('on generated logs, in memory and spooled', () => {
    fc.assert(
      fc.property(findingsLog, fc.constantFrom('', 'sub/dir'), (g, pathPrefix) => {
        const want = oracleAnnotationLines(g.log, { pathPrefix });
        expect(annotationLines(g.log, { pathPrefix })).toEqual(want);
        const { spooled, hydrated } = spooledLog(g, spool);
        expect(annotationLines(spooled, { pathPrefix })).toEqual(oracleAnnotationLines(hydrated, { pathPrefix }));
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('past 10 a level: ties in severity and score keep first-seen order, a class keeps its first most severe sighting, the hidden count matches', () => {
    const results: Result[] = [];
    for (let i = 0; i < 60; i++) {
      const severity = (['high', 'medium', 'low', 'critical'] as const)[i % 4];
      results.push({
        ruleId: `R${i}`,
        message: { text: `finding ${i}` },
        // Six classes of ten sightings; the same score in most, so first sighting decides.
        correlationGuid: `g-${i % 25}`,
        locations: [{ physicalLocation: { artifactLocation: { uri: `src/f${i}.ts` }, region: { startLine: i + 1 } } }],
        properties: { severity, 'security-severity': i % 7 === 0 ? '9.8' : '7.5' },
        ...(i % 11 === 0 ? { suppressions: [{ kind: 'external' }] } : {}),
      });
    }
    const log: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 'T' } }, results }] };
    const lines = annotationLines(log);
    expect(lines).toEqual(oracleAnnotationLines(log));
    expect(lines.some((l) => l.includes('more findings are not annotated'))).toBe(true);
    const { spooled } = spooledLog({ log, extras: [5] }, spool);
    expect(annotationLines(spooled)).toEqual(lines);
  });
});
