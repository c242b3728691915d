import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');
const read = (rel: string, unknownSeverity: 'medium' | 'low' = 'medium') => parseReport({ path: join(FIXTURES, rel) }, readFileSync(join(FIXTURES, rel), 'utf8'), { unknownSeverity });

describe('older grype JSON (fixedInVersion, matchDetails object, string source.target)', () => {
  const { format, runs } = read('variants/grype-legacy-dir.json');
  const results = runs[0]!.results!;

  it('is read as Grype, one result per match, valid SARIF', () => {
    expect(format).toBe('grype');
    expect(results.map((r) => `${r.ruleId} ${String(r.properties?.['severity'])}`)).toEqual(['CVE-2020-14343 critical', 'CVE-2021-33503 high', 'CVE-2019-11236 medium']);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('reads fixedInVersion as the fix, an empty one as no fix', () => {
    expect(results[0]!.properties?.['fixedVersions']).toEqual(['5.4']);
    expect(results[0]!.properties?.['fixState']).toBe('fixed');
    expect(results[1]!.properties?.['fixedVersions'] ?? []).toEqual([]);
    expect(results[1]!.message.text).toContain('no fix available');
  });

  it('takes the newest CVSS version score inside the label band (9.8 v3.1 over 7.5 v2 for Critical)', () => {
    expect(results[0]!.properties?.['security-severity']).toBe('9.8');
    expect(results[1]!.properties?.['security-severity']).toBe('7.5');
    // v2 5.8 is inside Medium's band.
    expect(results[2]!.properties?.['security-severity']).toBe('5.8');
  });

  it('uses the string source.target and the package location', () => {
    expect(runs[0]!.properties?.['target']).toBe('/src');
    expect(results[2]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('src/tools/requirements-dev.txt');
    expect(results[0]!.properties?.['purl']).toBe('pkg:pypi/pyyaml@5.3');
    expect(runs[0]!.tool.driver.version).toBeUndefined(); // "[not provided]" is not a version
  });
});

describe('grype severities', () => {
  it('label wins over CVSS: a Negligible with a 7.5 score is low, scored inside the low band', () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'variants/grype-legacy-dir.json'), 'utf8'));
    doc.matches[1].vulnerability.severity = 'Negligible';
    doc.matches[2].vulnerability.severity = 'Unknown';
    const { runs } = parseReport({ path: 'g.json' }, JSON.stringify(doc), { unknownSeverity: 'low' });
    const [, negligible, unknown] = runs[0]!.results!;
    expect(negligible!.properties?.['severity']).toBe('low');
    expect(negligible!.level).toBe('note');
    expect(Number(negligible!.properties?.['security-severity'])).toBeLessThan(4);
    expect(unknown!.properties?.['severity']).toBe('low');
    expect(unknown!.properties?.['severityUnknown']).toBe(true);
  });

  it('an ignored match is a suppressed result carrying the ignore rule\'s reason', () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'grype.json'), 'utf8'));
    doc.ignoredMatches = [{ ...doc.matches[0], appliedIgnoreRules: [{ vulnerability: 'CVE-2022-37434', reason: 'not reachable: inflateGetHeader unused' }] }];
    const { runs } = parseReport({ path: 'g.json' }, JSON.stringify(doc), { unknownSeverity: 'medium' });
    const results = runs[0]!.results!;
    expect(results).toHaveLength(doc.matches.length + 1);
    expect(results.at(-1)!.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted', justification: 'not reachable: inflateGetHeader unused' })]);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('an empty report is a valid run with no results', () => {
    const { runs } = parseReport({ path: 'g.json' }, '{"matches":[],"source":{"type":"unknown","target":"unknown"},"descriptor":{"name":"grype","version":"0.80.0"}}', { unknownSeverity: 'medium' });
    expect(runs[0]!.results).toEqual([]);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });
});
