import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from 'sarif';
import { ReportError, ScannerError } from '../../../src/errors.js';
import { isNpmError } from '../../../src/scanners/npm-audit/error.js';
import { npmAuditJson } from '../../../src/scanners/npm-audit/json.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb } from '../../fuzz/mutate.js';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');
const corpus = corpusFiles('npm_audit', (n) => n.endsWith('.json'));

/** npm's severity words (info, low, moderate, high, critical) read independently of the adapter. */
function expectedSeverity(label: unknown): string {
  switch (String(label)) {
    case 'critical': return 'critical';
    case 'high': return 'high';
    case 'moderate': return 'medium';
    case 'low': return 'low';
    case 'info': return 'info';
    default: return 'medium';
  }
}

function tally(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

function read(path: string) {
  return parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
}

/** The one line of the ScannerError `fn` throws (and fail if it throws anything else, or nothing). */
function scanFailure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScannerError);
    return (e as ScannerError).oneLine();
  }
  throw new Error('expected a ScannerError');
}

type V2 = { vulnerabilities: Record<string, { name: string; via: (string | { severity: string; url?: string })[] }> };

/** The native count of a v2 report: advisory objects in `via` (package names there are the chain, not findings). */
function v2Advisories(raw: V2) {
  return Object.values(raw.vulnerabilities).flatMap((v) => v.via.filter((x): x is { severity: string; url?: string } => typeof x === 'object').map((a) => ({ pkg: v.name, ...a })));
}

describe.skipIf(!HAVE_CORPUS)(`npm audit corpus${HAVE_CORPUS ? '' : ` (skipped: ${NO_CORPUS_REASON})`}`, () => {
  it('finds the corpus files', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(3);
  });

  it.each(corpus)('%s: one result per package × advisory object, severities as npm labels each advisory, valid SARIF', (_rel, path) => {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as V2;
    const native = v2Advisories(raw);
    const { format, runs } = read(path);
    expect(format).toBe('npm-audit');
    const results: Result[] = runs[0]!.results ?? [];
    expect(results).toHaveLength(native.length);
    expect(tally(results.map((r) => String(r.properties?.['severity'])))).toEqual(tally(native.map((a) => expectedSeverity(a.severity))));
    // Every result sits on the lock file, names the package, and carries the GHSA from the advisory URL.
    results.forEach((r, i) => {
      expect(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('package-lock.json');
      expect(r.properties?.['packageName']).toBe(native[i]!.pkg);
      expect(r.properties?.['vulnerabilityId']).toBe(/GHSA-[\w-]+/.exec(native[i]!.url ?? '')?.[0]);
    });
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('many_vulns.json: only debug, semver and undici have advisories; vercel and @vercel/* are the chain', () => {
    const path = corpus.find(([rel]) => rel.endsWith('many_vulns.json'))![1];
    const results = read(path).runs[0]!.results!;
    expect(results.map((r) => r.properties?.['packageName'])).toEqual(['debug', 'semver', 'undici']);
    const debug = results[0]!;
    // debug is pulled in by @vercel/fun, which the direct dependency vercel requires
    expect(debug.properties?.['dependencyChains']).toEqual(['debug ← @vercel/fun ← vercel']);
    expect(debug.properties?.['isDirect']).toBe(false);
    // a range, not an installed version: the purl has no version, and says so
    expect(debug.properties?.['purl']).toBe('pkg:npm/debug');
    expect(debug.properties?.['packageVersionUnknown']).toBe(true);
    expect(debug.properties?.['cwe']).toEqual(['CWE-400']);
  });

  it('one_vuln.json: two advisories on debug, its own "via ms" kept as the chain', () => {
    const path = corpus.find(([rel]) => rel.endsWith('one_vuln.json'))![1];
    const results = read(path).runs[0]!.results!;
    expect(results.map((r) => r.ruleId)).toEqual(['GHSA-gxpj-cx7g-858c', 'GHSA-9vvw-cc9w-f27h']);
    // each advisory keeps its own severity (moderate, high), not the package's maximum
    expect(results.map((r) => r.properties?.['severity'])).toEqual(['medium', 'high']);
    expect(results[0]!.properties?.['viaPackages']).toEqual(['ms']);
    expect(results[1]!.properties?.['security-severity']).toBe('7.5');
  });

  it('no_vuln.json: a run with no results', () => {
    const path = corpus.find(([rel]) => rel.endsWith('no_vuln.json'))![1];
    const { runs } = read(path);
    expect(runs[0]!.results).toEqual([]);
    expect(runs[0]!.invocations?.[0]?.executionSuccessful).toBe(true);
  });
});

describe('npm audit fixtures written from npm\'s sources', () => {
  it('npm 6 report: one result per advisory × installed version, CVE and GHSA both kept, paths as related locations', () => {
    const { runs } = read(join(FIXTURES, 'npm-audit-v1.json'));
    const results = runs[0]!.results!;
    // advisories in id order (JSON.parse orders integer keys): minimist@1.2.5 (two findings, one
    // version), minimist@0.0.8, lodash@4.17.20, ua-parser-js@0.7.29
    expect(results.map((r) => r.properties?.['purl'])).toEqual(['pkg:npm/minimist@1.2.5', 'pkg:npm/minimist@0.0.8', 'pkg:npm/lodash@4.17.20', 'pkg:npm/ua-parser-js@0.7.29']);
    expect(results.map((r) => r.properties?.['severity'])).toEqual(['critical', 'critical', 'high', 'medium']);
    const lodash = results[2]!;
    expect(lodash.ruleId).toBe('GHSA-35jh-r3h4-6jhm');
    expect(lodash.properties?.['aliases']).toContain('CVE-2021-23337');
    expect(lodash.properties?.['cwe']).toEqual(['CWE-77', 'CWE-94']);
    expect(lodash.properties?.['fixedVersions']).toEqual(['>=4.17.21']);
    const minimist = results[0]!;
    expect(minimist.properties?.['paths']).toEqual(['mocha>mkdirp>minimist', 'mocha>yargs-unparser>minimist']);
    expect(minimist.relatedLocations).toHaveLength(1);
    // npm 6's remediation plan, per advisory
    expect(minimist.properties?.['fixActions']).toEqual(['install mocha@9.2.2']);
    expect(lodash.properties?.['fixActions']).toEqual(['update lodash to 4.17.21']);
    expect(minimist.properties?.['dev']).toBe(true);
    // "<0.0.0" is npm's "no patched version"; no GHSA and no CVE: the npm advisory id is the rule
    const ua = results[3]!;
    expect(ua.ruleId).toBe('NPM-1068155');
    expect(ua.properties?.['fixState']).toBe('not-fixed');
    expect(ua.properties?.['fixedVersions']).toBeUndefined();
    expect(ua.properties?.['fixActions']).toEqual(['review ua-parser-js']);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('npm 7.0 report (advisory id + vulnerable_versions): one result per advisory; an exact range is the installed version', () => {
    const { runs } = read(join(FIXTURES, 'npm-audit-v2-npm7.json'));
    const results = runs[0]!.results!;
    expect(results.map((r) => `${r.ruleId} ${r.properties?.['packageName']}`)).toEqual(['NPM-1179 minimist', 'NPM-755 handlebars', 'NPM-1164 handlebars']);
    expect(results[0]!.properties?.['dependencyChains']).toEqual(['minimist ← mkdirp']);
    expect(results[1]!.properties?.['purl']).toBe('pkg:npm/handlebars@4.0.13');
    expect(results[1]!.properties?.['fixState']).toBe('not-fixed');
    expect(results.map((r) => r.properties?.['severity'])).toEqual(['low', 'critical', 'high']);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('an npm error object instead of a report is a failed scan: ScannerError naming the code and what to do', () => {
    const line = scanFailure(() => read(join(FIXTURES, 'npm-audit-error-enolock.json')));
    expect(line).toContain('ENOLOCK');
    expect(line).toContain('npm install --package-lock-only');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('other npm errors name their cause, and hostile text in npm\'s summary stays one inert line', () => {
    const doc = { error: { code: 'ENOTFOUND', summary: 'request to https://registry.example/-/npm/v1/security/advisories/bulk failed\n\u001b[31m::error::x', detail: '' } };
    const line = scanFailure(() => parseReport({ path: 'audit.json' }, JSON.stringify(doc), { unknownSeverity: 'medium' }));
    expect(line).toContain('ENOTFOUND');
    expect(line).toContain('could not reach the registry');
    expect(line).not.toContain('\u001b');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('an unsupported report version is a clear ReportError, not an empty pass', () => {
    const doc = { auditReportVersion: 3, vulnerabilities: {} };
    expect(() => parseReport({ path: 'audit.json' }, JSON.stringify(doc), { unknownSeverity: 'medium' })).toThrow(/report version 3 is not supported/);
  });

  it('detection: yarn/pnpm-like objects without the npm keys are not taken for npm audit', () => {
    expect(() => parseReport({ path: 'x.json' }, JSON.stringify({ error: { code: 'X' }, data: 1 }), { unknownSeverity: 'medium' })).toThrow(ReportError);
  });
});

describe('npm audit adapter, property-based: a typed error or a valid run, never a crash', () => {
  const docs = [
    ...corpus.map(([, p]) => readFileSync(p, 'utf8')),
    readFileSync(join(FIXTURES, 'npm-audit-v1.json'), 'utf8'),
    readFileSync(join(FIXTURES, 'npm-audit-v2-npm7.json'), 'utf8'),
  ].map((t) => JSON.parse(t) as unknown);

  /** npm's error object is the one document that must fail as a scan failure, not a shape error. */
  function check(doc: unknown): void {
    if (isNpmError(doc)) {
      expect(() => npmAuditJson.toRuns(doc, { file: 'fuzz.json', category: 'npm-audit-fuzz', unknownSeverity: 'medium' })).toThrow(ScannerError);
      return;
    }
    checkAdapter(npmAuditJson, doc);
  }

  it('mutated reports (dropped keys, changed types, truncated arrays, hostile strings)', () => {
    fc.assert(fc.property(fc.constantFrom(...docs), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (doc, ms) => check(mutate(doc, ms))), { numRuns: FUZZ_RUNS });
  });

  it('random JSON, random v2 and v1 shapes, random npm error objects', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.record({ auditReportVersion: fc.constantFrom(2, 1, '2'), vulnerabilities: fc.dictionary(fc.string(), fc.jsonValue()), metadata: fc.jsonValue() }), check), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.record({ advisories: fc.dictionary(fc.string(), fc.jsonValue()), actions: fc.array(fc.jsonValue()), muted: fc.array(fc.jsonValue()) }), check), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.record({ error: fc.record({ code: fc.string(), summary: fc.string(), detail: fc.string() }) }), check), { numRuns: FUZZ_RUNS });
  });
});
