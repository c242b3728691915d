import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

// SARIF logs in the corpus: Flawfinder's (MITRE) and grype's own SARIF presenter golden.
const files = [...corpusFiles('sarif'), ...corpusFiles('grype', (n) => /Sarif.*\.golden$/.test(n)), ...corpusFiles('trivy', (n) => /sarif/i.test(n))];

interface RawRule { id: string; defaultConfiguration?: { level?: string }; properties?: Record<string, unknown> }
interface RawResult { ruleId?: string; ruleIndex?: number; level?: string; properties?: Record<string, unknown> }
interface RawLog { runs: { tool: { driver: { rules?: RawRule[] } }; results?: RawResult[] }[] }

/**
 * A SARIF result's severity as its producer states it, read the way GitHub code scanning reads
 * it: a `security-severity` score (the result's, else its rule's) in GitHub's bands (≥ 9.0
 * critical, ≥ 7.0 high, ≥ 4.0 medium, > 0 low); without one, the level (the result's, else the
 * rule's defaultConfiguration.level, else SARIF's default "warning", §3.27.10):
 * error → high, warning → medium, note → low, none → info.
 */
function expectedSeverity(res: RawResult, rules: RawRule[]): string {
  const rule = (res.ruleIndex !== undefined ? rules[res.ruleIndex] : undefined) ?? rules.find((r) => r.id === res.ruleId);
  const raw = res.properties?.['security-severity'] ?? rule?.properties?.['security-severity'];
  if (raw !== undefined) {
    const s = Number(raw);
    return s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : s > 0 ? 'low' : 'info';
  }
  const level = res.level ?? rule?.defaultConfiguration?.level ?? 'warning';
  return ({ error: 'high', warning: 'medium', note: 'low', none: 'info' } as Record<string, string>)[level]!;
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

describe.skipIf(!HAVE_CORPUS)(`SARIF corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s: one result per SARIF result, run by run, severities as the producer states them, valid SARIF', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    const raw = JSON.parse(text) as RawLog;
    const { format, runs } = parseReport({ path }, text, { unknownSeverity: 'medium' });
    expect(format).toBe('sarif');
    expect(runs).toHaveLength(raw.runs.length);
    raw.runs.forEach((rawRun, i) => {
      const results = runs[i]!.results ?? [];
      expect(results).toHaveLength(rawRun.results?.length ?? 0);
      const rules = rawRun.tool.driver.rules ?? [];
      expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual(tally((rawRun.results ?? []).map((r) => expectedSeverity(r, rules))));
    });
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it("reads Flawfinder's 77 results as SOURCES.md counts them: 35 error (high), 35 note (low), 7 without a level", () => {
    const path = files.find(([rel]) => rel.endsWith('sarif_input.sarif'))![1];
    const raw = JSON.parse(readFileSync(path, 'utf8')) as RawLog;
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const results = runs[0]!.results!;
    expect(results).toHaveLength(77);
    expect(raw.runs[0]!.results!.filter((r) => r.level === undefined)).toHaveLength(7);
    const bySeverity = tally(results.map((r) => String(r.properties?.['severity'])));
    expect(bySeverity['high']).toBe(35);
    // The 7 results without a level take their rule's default level, or SARIF's "warning".
    expect(Object.values(bySeverity).reduce((a, b) => a + b, 0)).toBe(77);
    // Every result has a rule with descriptions and help (GitHub's upload rules).
    for (const rule of runs[0]!.tool.driver.rules!) {
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
      expect(rule.help?.text).toBeTruthy();
    }
  });
});
