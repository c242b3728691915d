import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result, Run } from 'sarif';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { HAVE_MULTITOOL, githubRuleProblems } from '../../helpers/github-rules.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

// Every ZAP report in the corpus: traditional JSON (2.7, 2.14, the 2.17-era goldens) and XML
// (2.9, the goldens). The .conf/.out/.yaml files are zap-baseline and Automation Framework inputs.
const files = corpusFiles('zap', (n) => n.endsWith('.json') || n.endsWith('.xml'));
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');

/** ZAP's riskcode (https://www.zaproxy.org/docs/constants/): 3 High, 2 Medium, 1 Low, 0 Informational. */
const SEVERITY_OF_RISKCODE: Record<string, string> = { '3': 'high', '2': 'medium', '1': 'low', '0': 'info' };

interface Native {
  /** riskcode and instance count of each alert, read without the adapter. */
  alerts: { riskcode: string; instances: number; confidence: string }[];
}

/** Read the native counts independently: JSON by JSON.parse, XML by matching its elements as text. */
function native(path: string, text: string): Native {
  if (path.endsWith('.xml')) {
    const items = text.split(/<alertitem>/).slice(1);
    return {
      alerts: items.map((item) => ({
        riskcode: /<riskcode>(\d+)<\/riskcode>/.exec(item)![1]!,
        confidence: /<confidence>(\d+)<\/confidence>/.exec(item)![1]!,
        instances: (item.match(/<instance>/g) ?? []).length,
      })),
    };
  }
  const doc = JSON.parse(text) as { site: unknown };
  const sites = (Array.isArray(doc.site) ? doc.site : [doc.site]) as { alerts?: { riskcode: string; confidence: string; instances?: unknown[] }[] }[];
  return {
    alerts: sites.flatMap((s) => s.alerts ?? []).map((a) => ({ riskcode: String(a.riskcode), confidence: String(a.confidence), instances: a.instances?.length ?? 0 })),
  };
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

describe.skipIf(!HAVE_CORPUS)(`ZAP corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  it.each(files)('%s: one result per alert instance (one for an alert without any), severities from riskcode, valid SARIF', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    const n = native(path, text);
    const { format, runs } = parseReport({ path }, text, { unknownSeverity: 'medium' });
    expect(format).toBe(path.endsWith('.xml') ? 'zap-xml' : 'zap-json');
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.properties?.['kind']).toBe('dast');
    expect(run.tool.driver.name).toBe('ZAP');
    const results: Result[] = run.results ?? [];
    const expectedCount = n.alerts.reduce((s, a) => s + Math.max(1, a.instances), 0);
    expect(results).toHaveLength(expectedCount);
    const expectedSeverities = n.alerts.flatMap((a) => Array<string>(Math.max(1, a.instances)).fill(SEVERITY_OF_RISKCODE[a.riskcode]!));
    expect(results.map((r) => String(r.properties?.['severity']))).toEqual(expectedSeverities);
    // Confidence 0 (false positive) is the only thing that suppresses a ZAP result.
    const fp = n.alerts.filter((a) => a.confidence === '0').reduce((s, a) => s + Math.max(1, a.instances), 0);
    expect(results.filter((r) => r.suppressions?.length)).toHaveLength(fp);
    for (const r of results) {
      expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toMatch(/^https?:\/\//);
      expect(r.properties?.['url']).toMatch(/^https?:\/\//);
      expect(r.properties?.['tags']).toContain('dast');
    }
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('reads the MITRE webgoat sample as SOURCES.md counts its target http://mymac.com:8191: 25 alerts, 309 instances', () => {
    const path = files.find(([rel]) => rel.endsWith('webgoat.json'))![1];
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const mine = runs[0]!.results!.filter((r) => r.properties?.['site'] === 'http://mymac.com:8191');
    expect(mine).toHaveLength(309);
    // SOURCES.md: 3 high alerts — SVN source code disclosure (42), anti-CSRF tokens (20012), SQL injection (40018).
    expect(new Set(mine.filter((r) => r.properties?.['severity'] === 'high').map((r) => r.ruleId))).toEqual(new Set(['42', '20012', '40018']));
  });

  it('reads the ZAP 2.14 baseline report with alertRef variants as distinct rules (10055-4, not 10055)', () => {
    const path = files.find(([rel]) => rel.endsWith('report_json.json'))![1];
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const ids = new Set(runs[0]!.results!.map((r) => r.ruleId));
    expect(ids).toContain('10055-4');
    expect(runs[0]!.tool.driver.version).toBe('2.14.0');
  });

  it.skipIf(!HAVE_MULTITOOL)('sarif-multitool validate --rule-kind "Sarif;Gh": no GitHub-rule or schema error over every ZAP report and fixture, merged', () => {
    const runs: Run[] = [];
    const fixtures = ['zap-2.17-traditional.json', 'zap-single-site.json', 'zap-xml-plus.xml', 'zap-api-alerts.json', 'zap-sarif.sarif'].map((f) => join(FIXTURES, f));
    for (const path of [...files.map(([, p]) => p), ...fixtures]) runs.push(...parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' }).runs);
    const log = mergeRuns(runs);
    expect(sarifProblems(log)).toEqual([]);
    expect(githubRuleProblems(log)).toEqual([]);
  });
});
