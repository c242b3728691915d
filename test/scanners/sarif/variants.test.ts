import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports', 'variants');
const text = (name: string) => readFileSync(join(DIR, name), 'utf8');
const read = (name: string) => parseReport({ path: join(DIR, name) }, text(name), { unknownSeverity: 'medium' });

describe('CodeQL: rules in tool.extensions, results pointing there with rule.toolComponent', () => {
  const { runs } = read('codeql-javascript.sarif');
  const run = runs[0]!;
  const results = run.results!;

  it("takes each result's severity from its extension rule's security-severity, as GitHub shows it", () => {
    expect(results.map((r) => [r.ruleId, r.properties?.['severity'], r.properties?.['security-severity']])).toEqual([
      ['js/sql-injection', 'high', '8.8'],
      ['js/reflected-xss', 'medium', '6.1'],
      ['js/unused-local-variable', 'low', '2.0'],
    ]);
    expect(results.map((r) => r.level)).toEqual(['error', 'warning', 'note']);
  });

  it('does not invent driver rules for them, and keeps the CWE tags', () => {
    expect(run.tool.driver.rules).toEqual([]);
    expect(results[0]!.properties?.['tags']).toEqual(expect.arrayContaining(['external/cwe/cwe-089']));
    const ext = run.tool.extensions![0]!.rules!;
    for (const r of ext) expect(r.help?.text && r.fullDescription?.text && r.shortDescription?.text).toBeTruthy();
  });

  it("keeps the tool's own category and fingerprints, and is valid", () => {
    expect(run.automationDetails?.id).toBe('/language:javascript/');
    expect(results[0]!.partialFingerprints?.['primaryLocationLineHash']).toBe('5d8ec6f1d2b0c3a4:1');
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });
});

describe('gitleaks v8 SARIF', () => {
  const { runs } = read('gitleaks.sarif');
  const results = runs[0]!.results!;

  it('accepts the null tags Go writes, reads the secret kind, no level → SARIF default warning → medium', () => {
    expect(results).toHaveLength(2);
    expect(results.map((r) => r.properties?.['kind'])).toEqual(['secret', 'secret']);
    expect(results.map((r) => r.properties?.['severity'])).toEqual(['medium', 'medium']);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('never carries the secret itself into the merged log', () => {
    expect(text('gitleaks.sarif')).toContain('AKIAZ4EXAMPLEKEY7Q2X');
    expect(JSON.stringify(runs)).not.toContain('AKIAZ4EXAMPLEKEY7Q2X');
    expect(results[0]!.locations![0]!.physicalLocation!.region!.snippet!.text).toBe('REDACTED');
  });

  it('fingerprints still tell two secrets on the same line apart', () => {
    const doc = JSON.parse(text('gitleaks.sarif')) as Log;
    const second = structuredClone(doc.runs[0]!.results![0]!);
    second.locations![0]!.physicalLocation!.region!.snippet!.text = 'AKIAZ4EXAMPLEKEY9Z9Z';
    doc.runs[0]!.results!.push(second);
    const r = parseReport({ path: 'g.sarif' }, JSON.stringify(doc), { unknownSeverity: 'medium' }).runs[0]!.results!;
    expect(r[0]!.partialFingerprints!['secgate/v1']).not.toBe(r[2]!.partialFingerprints!['secgate/v1']);
  });
});

describe('a merged multi-run log (BinSkim + Semgrep): ruleIndex-only results, messages by id, results without locations', () => {
  const { runs } = read('merged-multirun.sarif');

  it('keeps both runs, each with its own category', () => {
    expect(runs.map((r) => r.tool.driver.name)).toEqual(['BinSkim', 'Semgrep OSS']);
    expect(new Set(runs.map((r) => r.automationDetails?.id)).size).toBe(2);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('resolves the rule id from ruleIndex and the message from messageStrings and globalMessageStrings', () => {
    const [cfg, aslr, na] = runs[0]!.results!;
    expect(cfg!.ruleId).toBe('BA2008');
    expect(cfg!.message.text).toBe("'imgcodec.dll' does not enable the control flow guard (CFG) mitigation. To resolve this issue, pass /guard:cf on both the compiler and linker command lines. Binaries also require the /DYNAMICBASE linker option in order to enable CFG.");
    expect(aslr!.ruleId).toBe('BA2009');
    expect(aslr!.message.text).toMatch(/^'updater\.exe' is not marked as DYNAMICBASE/);
    expect(na!.message.text).toBe("'updater.exe' was not evaluated for check 'EnableControlFlowGuard' as the analysis is not relevant based on observed metadata: image is a .NET core assembly.");
  });

  it("gives a result without locations its analysis target as location (GitHub needs one)", () => {
    const aslr = runs[0]!.results![1]!;
    expect(aslr.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('file:///home/runner/work/app/out/native/updater.exe');
  });

  it('maps levels error → high and none → info; rules without a short description get one', () => {
    expect(runs[0]!.results!.map((r) => r.properties?.['severity'])).toEqual(['high', 'high', 'info']);
    const rule = runs[0]!.tool.driver.rules![0]!;
    expect(rule.shortDescription?.text).toBe('EnableControlFlowGuard');
  });

  it('encodes a path written with a space as a URI reference', () => {
    expect(runs[1]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('tools/release%20files/publish.py');
  });
});

describe('SARIF severities', () => {
  const log = (result: object, rule: object = {}) =>
    JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'tool', rules: [{ id: 'R1', ...rule }] } }, results: [{ ruleId: 'R1', message: { text: 'm' }, ...result }] }] });
  const sev = (result: object, rule?: object) => {
    const r = parseReport({ path: 's.sarif' }, log(result, rule), { unknownSeverity: 'medium' }).runs[0]!.results![0]!;
    return [r.properties?.['severity'], r.properties?.['security-severity'], r.level];
  };

  it('a severity word wins over a score; the score is kept only inside its band', () => {
    expect(sev({ properties: { severity: 'low', 'security-severity': '8.2' } })).toEqual(['low', '2.0', 'note']);
    expect(sev({ properties: { severity: 'high' } }, { properties: { 'security-severity': '9.8' } })).toEqual(['high', '8.0', 'error']);
    expect(sev({ properties: { severity: 'critical' } }, { properties: { 'security-severity': '9.8' } })).toEqual(['critical', '9.8', 'error']);
  });

  it("without a word, the result's score, then the rule's, then the level, then the rule's default level", () => {
    expect(sev({ level: 'note', properties: { 'security-severity': '9.1' } })).toEqual(['critical', '9.1', 'error']);
    expect(sev({}, { properties: { 'security-severity': '4.3' } })).toEqual(['medium', '4.3', 'warning']);
    expect(sev({ level: 'error' })).toEqual(['high', '8.0', 'error']);
    expect(sev({}, { defaultConfiguration: { level: 'note' } })).toEqual(['low', '2.0', 'note']);
    expect(sev({})).toEqual(['medium', '5.5', 'warning']);
    expect(sev({ level: 'none' })).toEqual(['info', '0.0', 'note']);
  });
});
