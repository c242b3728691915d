import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result } from 'sarif';
import { parseReport } from '../../../src/io/read-report.js';
import { ReportError } from '../../../src/errors.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

// Native Trivy JSON in the corpus: integration goldens, pkg/report's pre-0.20 array, DefectDojo's
// samples (including the literal `null`). trivy/mitre holds ASFF rendered by Trivy's asff.tpl,
// not Trivy JSON; .trivyignore files are the policy engineer's.
const all = corpusFiles('trivy', (n) => n.endsWith('.json') || n.endsWith('.json.golden'));
const native = all.filter(([rel]) => !rel.startsWith('trivy/mitre/'));
const asff = all.filter(([rel]) => rel.startsWith('trivy/mitre/'));

type Finding = { Severity?: string; Status?: string };
type TrivyResult = {
  Vulnerabilities?: Finding[] | null;
  Misconfigurations?: Finding[] | null;
  Secrets?: Finding[] | null;
  Licenses?: Finding[] | null;
  ExperimentalModifiedFindings?: { Finding: Finding }[] | null;
};

/**
 * The native finding count of a Trivy report: every vulnerability, every misconfiguration that
 * FAILed or was excepted (EXCEPTION: kept, suppressed; PASS is not a finding), every secret,
 * every licence finding, and every ExperimentalModifiedFindings entry (ignored/VEX'd: kept,
 * suppressed). Returned as the findings' Trivy severities (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL).
 */
function nativeFindings(doc: unknown): { severities: (string | undefined)[]; suppressed: number } {
  const results: TrivyResult[] = doc === null ? [] : Array.isArray(doc) ? doc : ((doc as { Results?: TrivyResult[] }).Results ?? []);
  const severities: (string | undefined)[] = [];
  let suppressed = 0;
  for (const r of results) {
    for (const v of r.Vulnerabilities ?? []) severities.push(v.Severity);
    for (const m of r.Misconfigurations ?? []) {
      if (m.Status === 'FAIL' || m.Status === 'EXCEPTION') severities.push(m.Severity);
      if (m.Status === 'EXCEPTION') suppressed++;
    }
    for (const s of r.Secrets ?? []) severities.push(s.Severity);
    for (const l of r.Licenses ?? []) severities.push(l.Severity);
    for (const x of r.ExperimentalModifiedFindings ?? []) {
      severities.push(x.Finding.Severity);
      suppressed++;
    }
  }
  return { severities, suppressed };
}

/** Trivy's words → secgate's scale; UNKNOWN takes policy.unknown_severity (medium here). */
function expectedSeverity(label: string | undefined): string {
  const s = (label ?? '').toLowerCase();
  return ['critical', 'high', 'medium', 'low'].includes(s) ? s : 'medium';
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

describe.skipIf(!HAVE_CORPUS)(`Trivy JSON corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(native.length).toBeGreaterThanOrEqual(10);
    expect(asff.length).toBeGreaterThanOrEqual(1);
  });

  it.each(native)('%s: one result per native finding, severities as trivy labels them, valid SARIF', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    const expected = nativeFindings(JSON.parse(text));
    const { format, runs } = parseReport({ path }, text, { unknownSeverity: 'medium' });
    expect(format).toBe('trivy');
    expect(runs).toHaveLength(1);
    const results: Result[] = runs[0]!.results ?? [];
    expect(results).toHaveLength(expected.severities.length);
    expect(results.filter((r) => r.suppressions?.length)).toHaveLength(expected.suppressed);
    expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual(tally(expected.severities.map(expectedSeverity)));
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it.each(asff)('%s (ASFF from trivy\'s asff.tpl) is never read as Grype or Trivy JSON', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['Findings']);
    let format: string | undefined;
    try {
      format = parseReport({ path }, text, { unknownSeverity: 'medium' }).format;
    } catch (e) {
      expect(e).toBeInstanceOf(ReportError);
    }
    expect(format === 'grype' || format === 'trivy').toBe(false);
  });

  it('reads the pre-0.20 bare array and the literal null', () => {
    const old = native.find(([rel]) => rel.endsWith('old.json.golden'))![1];
    const nul = native.find(([rel]) => rel.endsWith('legacy_no_vuln.json'))![1];
    expect(parseReport({ path: old }, readFileSync(old, 'utf8'), { unknownSeverity: 'medium' }).runs[0]!.results).toHaveLength(1);
    expect(readFileSync(nul, 'utf8').trim()).toBe('null');
    const { format, runs } = parseReport({ path: nul }, readFileSync(nul, 'utf8'), { unknownSeverity: 'medium' });
    expect(format).toBe('trivy');
    expect(runs[0]!.results).toEqual([]);
  });

  it('keeps the ignored finding of npm-with-suppressed as a suppressed result with its reason', () => {
    const path = native.find(([rel]) => rel.endsWith('npm-with-suppressed.json.golden'))![1];
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { Results: TrivyResult[] };
    const modified = raw.Results.flatMap((r) => r.ExperimentalModifiedFindings ?? []) as unknown as { Status: string; Finding: { VulnerabilityID: string } }[];
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const suppressed = runs[0]!.results!.filter((r) => r.suppressions?.length);
    expect(suppressed.map((r) => r.ruleId)).toEqual(modified.map((m) => m.Finding.VulnerabilityID));
    expect(suppressed[0]!.suppressions![0]!.justification).toContain(modified[0]!.Status);
  });
});
