import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result } from 'sarif';
import { parseReport } from '../../../src/io/read-report.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';
import { mergeRuns } from '../../../src/sarif/merge.js';

// Grype JSON reports in the corpus: the `-o json` presenter goldens, DefectDojo's samples (0.7 – 0.75)
// and MITRE's. Config files (.yaml: the policy engineer's) and grype's own SARIF golden (read by the
// SARIF corpus test) are not Grype JSON.
const files = corpusFiles('grype', (n) => n.endsWith('.json') || /Json.*Presenter\.golden$/.test(n)).filter(([rel]) => !rel.includes('sbom-input'));

/**
 * Grype's own severity words (vulnerability.severity: Critical, High, Medium, Low, Negligible,
 * Unknown) read independently of the adapter. Negligible is below Low: secgate has no lower band
 * than low for a real vulnerability. Unknown takes policy.unknown_severity (here the default, medium).
 */
function expectedSeverity(label: unknown): string {
  switch (String(label ?? '').toLowerCase()) {
    case 'critical': return 'critical';
    case 'high': return 'high';
    case 'medium': return 'medium';
    case 'low': case 'negligible': return 'low';
    default: return 'medium';
  }
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

describe.skipIf(!HAVE_CORPUS)(`Grype JSON corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s: one result per match and per ignored match, severities as grype labels them, valid SARIF', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    const raw = JSON.parse(text) as { matches: { vulnerability: { severity?: string } }[]; ignoredMatches?: { vulnerability: { severity?: string } }[] };
    // The native finding count: every match, plus every match an ignore rule hid (kept, suppressed).
    const native = [...raw.matches, ...(raw.ignoredMatches ?? [])];
    const { format, runs } = parseReport({ path }, text, { unknownSeverity: 'medium' });
    expect(format).toBe('grype');
    expect(runs).toHaveLength(1);
    const results: Result[] = runs[0]!.results ?? [];
    expect(results).toHaveLength(native.length);
    expect(results.filter((r) => r.suppressions?.length)).toHaveLength(raw.ignoredMatches?.length ?? 0);
    expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual(tally(native.map((m) => expectedSeverity(m.vulnerability.severity))));
    // Result by result, in report order, the scanner's own word is kept for audit.
    results.forEach((r, i) => {
      expect(r.properties?.['nativeSeverity']).toBe(native[i]!.vulnerability.severity || undefined);
    });
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('reads the MITRE sample as SOURCES.md counts it: 89 matches, 13 critical, 44 high, 28 medium, 2 low, 2 unknown', () => {
    const path = files.find(([rel]) => rel.endsWith('anchore_grype.json'))![1];
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'info' });
    const results = runs[0]!.results!;
    expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual({ critical: 13, high: 44, medium: 28, low: 2, info: 2 });
    expect(results.filter((r) => r.properties?.['severityUnknown'] === true)).toHaveLength(2);
  });

  it('keeps the same CVE in two paths as two results of one correlation class (DefectDojo same_cve_different_paths)', async () => {
    const path = files.find(([rel]) => rel.endsWith('same_cve_different_paths.json'))![1];
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const results = runs[0]!.results!;
    expect(results).toHaveLength(2);
    expect(results[0]!.ruleId).toBe(results[1]!.ruleId);
    const uris = results.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri);
    expect(new Set(uris).size).toBe(2);
    const { correlate } = await import('../../../src/sarif/correlate.js');
    const log = mergeRuns(runs);
    correlate(log);
    expect(log.runs[0]!.results![0]!.correlationGuid).toBe(log.runs[0]!.results![1]!.correlationGuid);
  });
});
