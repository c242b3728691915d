import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result, Run } from 'sarif';
import { ReportError } from '../../../src/errors.js';
import { sonarqubeJson } from '../../../src/scanners/sonarqube/json.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb } from '../../fuzz/mutate.js';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { isSuppressed } from '../../../src/sarif/props.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles, corpusPath } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');

type Json = Record<string, unknown>;

function parse(text: string, path = 'sonar.json') {
  return parseReport({ path }, text, { unknownSeverity: 'medium' });
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

// --- The native meaning, written out independently of the adapter -----------------------------
const LEGACY: Record<string, string> = { BLOCKER: 'critical', CRITICAL: 'high', MAJOR: 'medium', MINOR: 'low', INFO: 'info' };
const IMPACT_RANK = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'BLOCKER'];
const IMPACT: Record<string, string> = { BLOCKER: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', INFO: 'info' };

/** An issue's severity as SonarQube states it: the highest impact when there are impacts, else `severity`. */
function issueSeverity(i: Json): string {
  const impacts = (i['impacts'] as { severity: string }[] | undefined) ?? [];
  if (impacts.length) return IMPACT[impacts.map((x) => x.severity).sort((a, b) => IMPACT_RANK.indexOf(b) - IMPACT_RANK.indexOf(a))[0]!]!;
  return LEGACY[String(i['severity'])] ?? 'medium';
}
/** Closed issues (status CLOSED, or issueStatus FIXED without a status) are gone from the code: not findings. */
function issueOpenOrResolved(i: Json): boolean {
  if (i['status'] === 'CLOSED') return false;
  if (i['status'] === undefined && i['issueStatus'] === 'FIXED') return false;
  return true;
}
function issueSuppressed(i: Json): boolean {
  return ['FALSE-POSITIVE', 'WONTFIX', 'FIXED'].includes(String(i['resolution'])) || ['ACCEPTED', 'FALSE_POSITIVE'].includes(String(i['issueStatus']));
}
function hotspotSeverity(h: Json): string {
  return ({ HIGH: 'high', MEDIUM: 'medium', LOW: 'low' } as Record<string, string>)[String(h['vulnerabilityProbability'])] ?? 'medium';
}
function hotspotSuppressed(h: Json): boolean {
  return h['status'] === 'REVIEWED' && (h['resolution'] === 'SAFE' || h['resolution'] === 'FIXED');
}

/** Issues and hotspots of a response (or a combined file, or a bare issue array). */
function nativeOf(doc: unknown): { issues: Json[]; hotspots: Json[] } {
  if (Array.isArray(doc)) return { issues: doc as Json[], hotspots: [] };
  const d = doc as Json;
  const part = (x: unknown, k: string) => (x && typeof x === 'object' && Array.isArray((x as Json)[k]) ? ((x as Json)[k] as Json[]) : []);
  return {
    issues: Array.isArray(d['issues']) ? (d['issues'] as Json[]) : part(d['issues'], 'issues'),
    hotspots: Array.isArray(d['hotspots']) ? (d['hotspots'] as Json[]) : part(d['hotspots'], 'hotspots'),
  };
}

function checkAgainstNative(doc: unknown, run: Run): void {
  const { issues, hotspots } = nativeOf(doc);
  const kept = issues.filter(issueOpenOrResolved);
  const results: Result[] = run.results ?? [];
  expect(results).toHaveLength(kept.length + hotspots.length);
  expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual(tally([...kept.map(issueSeverity), ...hotspots.map(hotspotSeverity)]));
  expect(results.filter(isSuppressed)).toHaveLength(kept.filter(issueSuppressed).length + hotspots.filter(hotspotSuppressed).length);
  // Rule key as rule id, in response order (issues first, then hotspots).
  expect(results.slice(0, kept.length).map((r) => r.ruleId)).toEqual(kept.map((i) => i['rule']));
  expect(sarifProblems(mergeRuns([run]))).toEqual([]);
}

const REPORTS = HAVE_CORPUS
  ? corpusFiles('sonarqube', (n) => n.endsWith('.json')).filter(([rel]) => !/rule\.json$|task-example\.json$|mitre\/SonarQube\.json$/.test(rel))
  : [];

describe.skipIf(!HAVE_CORPUS)(`SonarQube corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(REPORTS.length).toBeGreaterThanOrEqual(7);
  });

  it.each(REPORTS)('%s: one result per issue and hotspot, SonarQube\'s severities and resolutions, valid SARIF', (_rel, path) => {
    const text = readFileSync(path, 'utf8');
    const doc = JSON.parse(text) as unknown;
    const { format, runs } = parse(text, path);
    expect(format).toBe('sonarqube');
    expect(runs).toHaveLength(1);
    checkAgainstNative(doc, runs[0]!);
  });

  it('every api/issues/search response recorded in MITRE\'s json-server mock (9.9.8): one critical vulnerability each, paths without the project key', () => {
    const db = JSON.parse(readFileSync(corpusPath('sonarqube/mitre/SonarQube.json'), 'utf8')) as Record<string, unknown>;
    const searches = Object.entries(db).filter(([k]) => k.startsWith('/api/issues/search'));
    expect(searches).toHaveLength(3);
    for (const [, response] of searches) {
      const run = parse(JSON.stringify(response)).runs[0]!;
      checkAgainstNative(response, run);
      const r = run.results![0]!;
      // SonarQube CRITICAL is secgate's "high" (BLOCKER is critical)
      expect(r.properties?.['severity']).toBe('high');
      expect(r.properties?.['tags']).toContain('vulnerability');
      expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toMatch(/^(packages\/docs\/src\/service-worker\.js|dev\/src\/libc_unix\/sumapss7\.c)$/);
    }
    // The TOCTOU issue's two flow steps become related locations with their messages.
    const toctou = parse(JSON.stringify(searches[1]![1])).runs[0]!.results![0]!;
    expect(toctou.relatedLocations?.map((l) => `${l.physicalLocation?.region?.startLine} ${l.message?.text}`)).toEqual(['65 File checked here', '79 File used here']);
  });

  it('files that are not findings (the mock database, api/rules/show, api/ce/task) are refused, not read as empty', () => {
    for (const rel of ['sonarqube/mitre/SonarQube.json', 'sonarqube/defectdojo-api_sonarqube/rule.json', 'sonarqube/sonarqube-server-examples/ce-ws-096a755/task-example.json']) {
      expect(() => parse(readFileSync(corpusPath(rel), 'utf8'), rel), rel).toThrow(ReportError);
    }
  });

  it('project_status, both shapes (periods[] and period): a run with no results and the quality gate as a run property', () => {
    for (const rel of ['qualitygate-ws-b6d962d', 'qualitygate-ws-4e128d9']) {
      const path = corpusPath(`sonarqube/sonarqube-server-examples/${rel}/project_status-example.json`);
      const raw = JSON.parse(readFileSync(path, 'utf8')) as { projectStatus: { status: string; conditions: Json[] } };
      const run = parse(readFileSync(path, 'utf8'), path).runs[0]!;
      expect(run.results).toEqual([]);
      const gate = run.properties?.['qualityGate'] as { status: string; conditions: Json[] };
      expect(gate.status).toBe(raw.projectStatus.status);
      expect(gate.conditions).toHaveLength(raw.projectStatus.conditions.length);
      expect(gate.conditions[0]).toEqual({ metricKey: 'new_coverage', status: 'ERROR', comparator: 'LT', errorThreshold: '85', actualValue: '82.50562381034781' });
      // a condition without a threshold has none (not an empty string)
      expect(gate.conditions.find((c) => c['metricKey'] === 'open_issues')).toEqual({ metricKey: 'open_issues', status: 'ERROR', comparator: 'GT', actualValue: '17' });
      expect(run.properties?.['qualityGatePeriod']).toMatchObject({ mode: 'last_version' });
    }
  });

  it('the 2025 issue example: impacts decide the severity, ACCEPTED is a suppressed result with SonarQube as the source', () => {
    const path = corpusPath('sonarqube/sonarqube-server-examples/issue-ws-6669f13/search-example.json');
    const r = parse(readFileSync(path, 'utf8'), path).runs[0]!.results![0]!;
    expect(r.properties?.['severity']).toBe('high');
    expect(r.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted', justification: expect.stringContaining('accepted in SonarQube: Must be "public"!') })]);
    // two flows → two related locations
    expect(r.relatedLocations).toHaveLength(2);
  });

  it('hotspots: the component path comes from components[] even when the key has no project prefix', () => {
    const path = corpusPath('sonarqube/defectdojo-sonarqube/findings_over_api_hotspots.json');
    const results = parse(readFileSync(path, 'utf8'), path).runs[0]!.results!;
    expect(results.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri)).toEqual([
      'src/app/component.asdf',
      'src/app/2389479284379021-footer.component.html',
      'src/app/2389479284379021-footer.component.html',
      'src/path/to//1231235/ccommp.html',
    ]);
    // xss → CWE-79 first (SonarQube's category → CWE table), so SAST tools meet on it in correlation
    expect(results[0]!.properties?.['cwe']?.[0]).toBe('CWE-79');
    expect(results[0]!.properties?.['tags']).toEqual(expect.arrayContaining(['security-hotspot', 'sonar-category:xss', 'external/cwe/cwe-79']));
  });

  it('the DefectDojo bare issue array (7.x/8.x): code smells and bugs are tagged apart from vulnerabilities', () => {
    const path = corpusPath('sonarqube/defectdojo-api_sonarqube/issues.json');
    const results = parse(readFileSync(path, 'utf8'), path).runs[0]!.results!;
    expect(results.map((r) => (r.properties?.['tags'] as string[]).filter((t) => ['code-smell', 'bug', 'vulnerability', 'quality'].includes(t)).join('+'))).toEqual(['code-smell+quality', 'code-smell+quality', 'bug+quality']);
    expect(results[1]!.suppressions?.[0]?.justification).toBe('marked as false positive in SonarQube');
  });
});

describe('SonarQube fixtures written from the Web API documentation', () => {
  it('9.9 LTS issues: closed issue dropped, false positive and won\'t-fix suppressed, flows, columns from 0-based offsets', () => {
    const text = readFileSync(join(FIXTURES, 'sonarqube-issues-9.9.json'), 'utf8');
    const run = parse(text).runs[0]!;
    checkAgainstNative(JSON.parse(text), run);
    const results = run.results!;
    expect(results).toHaveLength(5);
    expect(run.properties?.['closedIssues']).toBe(1);
    expect(results.map((r) => r.properties?.['severity'])).toEqual(['critical', 'medium', 'low', 'high', 'low']);
    const sqli = results[0]!;
    expect(sqli.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'src/routes/orders.js' }, region: { startLine: 42, endLine: 42, startColumn: 19, endColumn: 62 } });
    expect(sqli.relatedLocations).toHaveLength(2);
    expect(sqli.properties?.['tags']).toEqual(expect.arrayContaining(['vulnerability', 'owasp-a1', 'sast']));
    expect(sqli.properties?.['tags']).not.toContain('quality');
    expect(results[3]!.suppressions?.[0]?.justification).toBe('marked as false positive in SonarQube: Test server on localhost only.');
    expect(results[4]!.suppressions?.[0]?.justification).toBe("accepted (won't fix) in SonarQube");
    // rule names from additionalFields=rules
    expect(run.tool.driver.rules!.find((r) => r.id === 'javascript:S3649')!.shortDescription!.text).toBe('Database queries should not be vulnerable to injection attacks');
  });

  it('2025 issues: BLOCKER and INFO impacts, the highest impact wins, issueStatus FIXED is closed', () => {
    const text = readFileSync(join(FIXTURES, 'sonarqube-issues-2025.json'), 'utf8');
    const run = parse(text).runs[0]!;
    checkAgainstNative(JSON.parse(text), run);
    const results = run.results!;
    expect(results.map((r) => `${r.ruleId} ${r.properties?.['severity']} ${isSuppressed(r) ? 'suppressed' : 'open'}`)).toEqual([
      'javasecurity:S3649 critical open',
      'java:S2583 high open',
      'java:S1135 info suppressed',
      'secrets:S6702 high suppressed',
    ]);
    // RELIABILITY + MAINTAINABILITY impacts: a bug and a code smell, both quality
    expect(results[1]!.properties?.['tags']).toEqual(expect.arrayContaining(['bug', 'code-smell', 'quality']));
    // a component missing from components[]: the project prefix is stripped
    expect(results[3]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('src/main/resources/application.properties');
    expect(run.properties?.['closedIssues']).toBe(1);
  });

  it('combined file: issues + hotspots + quality gate in one run, scope and dashboard kept', () => {
    const text = readFileSync(join(FIXTURES, 'sonarqube-combined.json'), 'utf8');
    const run = parse(text).runs[0]!;
    checkAgainstNative(JSON.parse(text), run);
    expect(run.tool.driver.name).toBe('SonarQube');
    expect(run.tool.driver.version).toBe('10.7.0.96327');
    expect(run.properties?.['qualityGate']).toEqual({
      status: 'ERROR',
      conditions: [
        { metricKey: 'new_security_hotspots_reviewed', status: 'ERROR', comparator: 'LT', errorThreshold: '100', actualValue: '66.7' },
        { metricKey: 'new_violations', status: 'OK', comparator: 'GT', errorThreshold: '0', actualValue: '0' },
      ],
      projectKey: 'shop-api',
      analysisId: 'AZLx2c9Vq0s8Yy1B3dE7',
      dashboardUrl: 'https://sonar.example.com/dashboard?id=shop-api&branch=main',
    });
    const [issue, xss, safe, ack] = run.results!;
    // rules link to their page on the server the findings came from
    expect(run.tool.driver.rules!.find((r) => r.id === 'javascript:S2083')!.helpUri).toBe('https://sonar.example.com/coding_rules?open=javascript%3AS2083&rule_key=javascript%3AS2083');
    // the rule's security standards give CWE and OWASP tags
    expect(issue!.properties?.['cwe']).toEqual(['CWE-22', 'CWE-23']);
    expect(issue!.properties?.['tags']).toEqual(expect.arrayContaining(['owasp-top10-2021-a1', 'external/cwe/cwe-22']));
    expect(xss!.properties?.['severity']).toBe('high');
    expect(isSuppressed(safe!)).toBe(true);
    expect(isSuppressed(ack!)).toBe(false);
  });

  it('forced onto something that is not a SonarQube response: a ReportError, never an empty run', () => {
    expect(() => parseReport({ path: 'x.json', format: 'sonarqube' }, JSON.stringify({ data: [] }), { unknownSeverity: 'medium' })).toThrow(ReportError);
    // and the adapter itself refuses it, whoever calls it
    expect(() => sonarqubeJson.toRuns({ data: [] }, { file: 'x.json', category: 'x', unknownSeverity: 'medium' })).toThrow(/not a SonarQube Web API response/);
  });

  it('a quality gate status SonarQube does not have is a ReportError naming the JSON path', () => {
    expect(() => parse(JSON.stringify({ projectStatus: { status: 'PASSED' } }))).toThrow(/\$\.projectStatus\.status/);
  });
});

describe('SonarQube adapter, property-based: a typed error or a valid run, never a crash', () => {
  const docs: unknown[] = [
    ...['sonarqube-issues-9.9.json', 'sonarqube-issues-2025.json', 'sonarqube-combined.json'].map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as unknown),
    ...REPORTS.map(([, p]) => JSON.parse(readFileSync(p, 'utf8')) as unknown),
  ];

  it('mutated responses (dropped keys, changed types, truncated arrays, hostile strings)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (doc, ms) => checkAdapter(sonarqubeJson, mutate(doc, ms))),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('random JSON and random combined files', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => checkAdapter(sonarqubeJson, doc)), { numRuns: FUZZ_RUNS });
    fc.assert(
      fc.property(fc.record({ issues: fc.jsonValue(), hotspots: fc.jsonValue(), qualityGate: fc.jsonValue(), sonarqube: fc.jsonValue(), rules: fc.jsonValue() }, { requiredKeys: [] }), (doc) => checkAdapter(sonarqubeJson, doc)),
      { numRuns: FUZZ_RUNS },
    );
  });
});
