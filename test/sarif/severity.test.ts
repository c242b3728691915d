import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BANDS, SEVERITIES, inBand, levelFor, parseSeverityLabel, securitySeverity, severityFromScore, type Severity } from '../../src/sarif/severity.js';
import { RunBuilder } from '../../src/sarif/builder.js';
import { fuzzRuns } from '../helpers/fuzz.js';

describe('GitHub security-severity bands', () => {
  it('reads scores into the documented bands: ≥ 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low, else info', () => {
    expect([10, 9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(severityFromScore)).toEqual(['critical', 'critical', 'high', 'high', 'medium', 'medium', 'low', 'low', 'info']);
  });

  it('the label wins: a score is kept only inside the label band, else the band default', () => {
    expect(securitySeverity('high', 7.5)).toBe('7.5');
    expect(securitySeverity('high', 9.8)).toBe('8.0');
    expect(securitySeverity('medium', 9.8)).toBe('5.5');
    expect(securitySeverity('critical', 9.0)).toBe('9.0');
    expect(securitySeverity('low', 0)).toBe('2.0');
    expect(securitySeverity('info', 5)).toBe('0.0');
    expect(securitySeverity('critical', Number.NaN)).toBe('9.5');
  });

  it('for any label and any score, the written value reads back as that label (GitHub shows what the scanner said)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEVERITIES), fc.option(fc.double({ min: -5, max: 15, noNaN: true }), { nil: undefined }), (s: Severity, score) => {
        const v = Number(securitySeverity(s, score));
        expect(severityFromScore(v)).toBe(s);
        expect(inBand(s, v)).toBe(true);
        expect(securitySeverity(s, score)).toMatch(/^(10\.0|\d\.\d)$/);
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  it('levels follow severities: critical/high error, medium warning, low/info note', () => {
    expect(SEVERITIES.map(levelFor)).toEqual(['error', 'error', 'warning', 'note', 'note']);
    expect(Object.keys(BANDS)).toEqual([...SEVERITIES]);
  });

  it('scanner words: Grype, Trivy, npm, SonarQube, SARIF spellings; "unknown" is no label', () => {
    expect(['Critical', 'HIGH', 'moderate', 'Negligible', 'informational', 'BLOCKER', 'recommendation'].map(parseSeverityLabel)).toEqual(['critical', 'high', 'medium', 'low', 'info', 'critical', 'low']);
    expect(['UNKNOWN', 'Unknown', '', undefined, 7].map(parseSeverityLabel)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('RunBuilder severities', () => {
  const build = (unknownSeverity: Severity, severity: Severity | undefined, score?: number) => {
    const b = new RunBuilder({ name: 't' }, 'sca', { file: 'f', category: 'c', unknownSeverity }, 'test');
    b.add({ ruleId: 'R', message: 'm', severity, score, location: { uri: 'a' }, identity: ['x'] });
    b.add({ ruleId: 'R', message: 'm', severity: 'low', location: { uri: 'b' }, identity: ['y'] });
    return b.build();
  };

  it('unknown takes policy.unknown_severity, and says so', () => {
    const run = build('high', undefined, 9.8);
    expect(run.results![0]!.properties).toMatchObject({ severity: 'high', 'security-severity': '8.0', severityUnknown: true });
    expect(run.results![0]!.level).toBe('error');
    expect(build('info', undefined).results![0]!.properties).toMatchObject({ severity: 'info', 'security-severity': '0.0' });
  });

  it("the rule carries its results' highest severity as GitHub reads rules", () => {
    const rule = build('medium', 'critical', 9.1).tool.driver.rules![0]!;
    expect(rule.properties).toMatchObject({ severity: 'critical', 'security-severity': '9.5' });
  });
});

describe('parseSeverityLabel memo', () => {
  // The word table as it reads without the memo: the same answer on a first and a repeated call.
  const WORDS: Record<string, Severity> = { critical: 'critical', blocker: 'critical', urgent: 'critical', high: 'high', error: 'high', important: 'high', severe: 'high', medium: 'medium', moderate: 'medium', warning: 'medium', major: 'medium', warn: 'medium', low: 'low', minor: 'low', negligible: 'low', note: 'low', recommendation: 'low', info: 'info', informational: 'info', information: 'info', none: 'info', trivial: 'info' };
  const expected = (s: string): Severity | undefined => (Object.hasOwn(WORDS, s.trim().toLowerCase()) ? WORDS[s.trim().toLowerCase()] : undefined);
  const label = fc.oneof(
    fc.tuple(fc.constantFrom(...Object.keys(WORDS), 'unknown', '', '__proto__', 'constructor'), fc.constantFrom('', ' ', '\t'), fc.boolean()).map(([w, pad, up]) => `${pad}${up ? w.toUpperCase() : w}${pad}`),
    fc.string({ maxLength: 12 }),
  );

  it('first and repeated calls agree with the word table, past the memo bound too (property)', () => {
    fc.assert(
      fc.property(fc.array(label, { maxLength: 40 }), (labels) => {
        for (const l of [...labels, ...labels]) expect(parseSeverityLabel(l)).toBe(expected(l));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
