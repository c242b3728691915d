import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result, Run } from 'sarif';
import { ReportError } from '../../../src/errors.js';
import { parseReport } from '../../../src/io/read-report.js';
import { FINGERPRINT_KEY } from '../../../src/sarif/builder.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { runCli } from '../../helpers/cli.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');

function read(name: string, text = readFileSync(join(FIXTURES, name), 'utf8'), format?: string): { format: string; run: Run; results: Result[] } {
  const r = parseReport({ path: name, format }, text, { unknownSeverity: 'medium' });
  expect(r.runs).toHaveLength(1);
  expect(sarifProblems(mergeRuns(r.runs))).toEqual([]);
  return { format: r.format, run: r.runs[0]!, results: r.runs[0]!.results ?? [] };
}

const prop = (r: Result, k: string) => r.properties?.[k];
const uri = (r: Result) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
const fp = (r: Result) => r.partialFingerprints?.[FINGERPRINT_KEY];

describe('ZAP API alert list (/JSON/alert/view/alerts/)', () => {
  const { format, run, results } = read('zap-api-alerts.json');

  it('is detected and read as one result per API alert, kind dast, tool ZAP', () => {
    expect(format).toBe('zap-api');
    expect(run.tool.driver.name).toBe('ZAP');
    expect(run.properties?.['kind']).toBe('dast');
    expect(results).toHaveLength(4);
  });

  it('maps the risk and confidence words: Medium/High, High/Confirmed, Informational/Low, Low/Medium', () => {
    expect(results.map((r) => prop(r, 'severity'))).toEqual(['medium', 'high', 'info', 'low']);
    expect(results.map((r) => r.level)).toEqual(['warning', 'error', 'note', 'note']);
    // Confidence scale: Confirmed 100, High 90, Medium 60, Low 30.
    expect(results.map((r) => r.rank)).toEqual([90, 100, 30, 60]);
    expect(results.map((r) => prop(r, 'confidence'))).toEqual(['High', 'Confirmed', 'Low', 'Medium']);
    expect(results.every((r) => !r.suppressions)).toBe(true);
  });

  it('uses the alertRef when it names a variant of the plugin, the plugin id otherwise', () => {
    expect(results.map((r) => r.ruleId)).toEqual(['10055-4', '40012', '10096', '10010']);
    const rule = run.tool.driver.rules!.find((r) => r.id === '10055-4')!;
    expect(rule.helpUri).toBe('https://www.zaproxy.org/docs/alerts/10055-4/');
    expect(rule.properties?.['zapTags']).toMatchObject({ OWASP_2021_A05: 'https://owasp.org/Top10/A05_2021-Security_Misconfiguration/' });
  });

  it('carries CWE and WASC as tags and properties', () => {
    const xss = results[1]!;
    expect(prop(xss, 'tags')).toEqual(expect.arrayContaining(['security', 'dast', 'CWE-79', 'external/cwe/cwe-79', 'WASC-8']));
    expect(prop(xss, 'cwe')).toEqual(['CWE-79']);
    const rule = run.tool.driver.rules!.find((r) => r.id === '40012')!;
    expect(rule.properties?.tags).toEqual(expect.arrayContaining(['CWE-79', 'external/cwe/cwe-79']));
  });

  it('keeps URL, method, parameter, attack and evidence as data; the evidence verbatim, never in the message', () => {
    const xss = results[1]!;
    expect(prop(xss, 'url')).toBe('https://shop.example.test/search?q=%3Cscript%3Ealert%281%29%3B%3C%2Fscript%3E&page=2');
    expect(uri(xss)).toBe(prop(xss, 'url'));
    expect(prop(xss, 'method')).toBe('GET');
    expect(prop(xss, 'param')).toBe('q');
    expect(prop(xss, 'evidence')).toBe('<script>alert(1);</script>');
    expect(prop(xss, 'inputVector')).toBe('querystring');
    expect(xss.message.text).not.toContain('<script>');
    expect(xss.message.text).toContain('Cross Site Scripting (Reflected)');
  });

  it('keeps an alert a user marked False Positive as a suppressed result, and an unknown risk word as unknown', () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'zap-api-alerts.json'), 'utf8')) as { alerts: Record<string, string>[] };
    doc.alerts[0]!['confidence'] = 'False Positive';
    doc.alerts[1]!['risk'] = 'Severe';
    const again = read('api.json', JSON.stringify(doc)).results;
    expect(again[0]!.suppressions).toEqual([expect.objectContaining({ status: 'accepted', kind: 'external' })]);
    expect(again[0]!.rank).toBe(0);
    expect(prop(again[1]!, 'severityUnknown')).toBe(true);
    expect(prop(again[1]!, 'nativeSeverity')).toBe('Severe');
  });

  it('an error the ZAP API saved instead of alerts is a failed scan: exit 2, one line, no API key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-zap-'));
    const file = join(dir, 'zap-alerts.json');
    writeFileSync(file, JSON.stringify({ code: 'bad_api_key', message: 'Bad API Key', detail: 'GET /JSON/alert/view/alerts/?apikey=s3cr3tk3y&baseurl=x' }));
    const r = await runCli(['check', file, '--sarif', join(dir, 'out.sarif')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ZAP: ');
    expect(lines[0]).toContain('Bad API Key (bad_api_key)');
    expect(r.stderr + r.stdout).not.toContain('s3cr3tk3y');
  });

  it('treats API texts as plain text: the solution keeps its line break', () => {
    const rule = run.tool.driver.rules!.find((r) => r.id === '40012')!;
    expect(rule.help!.text).toContain('Phase: Architecture and Design\nUse a vetted library');
  });
});

describe('ZAP 2.17 traditional JSON (insights, systemic, nodeName, several sites)', () => {
  const text = readFileSync(join(FIXTURES, 'zap-2.17-traditional.json'), 'utf8');
  const { format, run, results } = read('zap-2.17-traditional.json', text);

  it('gives one result per instance over both sites, and one for the alert without instances', () => {
    expect(format).toBe('zap-json');
    expect(run.tool.driver.version).toBe('2.17.0');
    expect(results).toHaveLength(2 + 1 + 1 + 1 + 2);
    expect(run.properties?.['sites']).toEqual(['https://shop.example.test', 'https://cdn.example.test']);
    const csp = results.find((r) => r.ruleId === '10038-1')!;
    expect(prop(csp, 'systemic')).toBe(true);
    expect(prop(csp, 'severity')).toBe('medium');
    // No instance: the site is the location.
    expect(uri(csp)).toBe('https://shop.example.test/');
    expect(csp.message.text).toContain('lists no instances');
  });

  it('keeps the 2.17 insights as run data, not as findings', () => {
    expect(run.properties?.['insights']).toEqual([
      { level: 'Low', reason: 'Warning', site: 'https://shop.example.test', key: 'insight.code.5xx', description: 'Percentage of responses with status code 5xx', statistic: '3' },
    ]);
    expect(run.properties?.['created']).toBe('2026-11-23T11:42:07.318204Z');
  });

  it('suppresses the false positive (confidence 0) with a justification, rank 0', () => {
    const fpResult = results.find((r) => r.ruleId === '10021')!;
    expect(fpResult.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted', justification: expect.stringContaining('false positive') })]);
    expect(fpResult.rank).toBe(0);
    expect(results.filter((r) => r.suppressions)).toHaveLength(1);
  });

  it('turns the HTML description and solution into text, with bullets', () => {
    const rule = run.tool.driver.rules!.find((r) => r.id === '40012')!;
    expect(rule.fullDescription!.text).toMatch(/^Cross-site Scripting \(XSS\) is an attack technique[^<]*\n\nWhen an attacker/);
    expect(rule.help!.text).toContain('- Encode output.\n- Validate input.');
    for (const r of run.tool.driver.rules!) expect(JSON.stringify([r.fullDescription, r.help, r.shortDescription])).not.toMatch(/<[a-z/]/i);
  });

  it('keeps hostile attack strings as data (escaped only by the sinks) and out of the message', () => {
    const stored = results.find((r) => prop(r, 'param') === 'body')!;
    expect(prop(stored, 'attack')).toContain('\u001b]8;;https://evil.example/');
    expect(stored.message.text).not.toMatch(/\u001b|<img/);
    expect(prop(stored, 'nodeName')).toBe('https://shop.example.test/comments ()(body,email)');
  });

  it('rule 10202-1 is the alertRef variant of plugin 10202', () => {
    expect(results.some((r) => r.ruleId === '10202-1')).toBe(true);
    expect(run.tool.driver.rules!.find((r) => r.id === '10202-1')!.properties?.['pluginId']).toBe('10202');
  });

  it('fingerprints: stable when query values change, distinct for a different parameter and for repeated instances', () => {
    const changed = text.replace('sid=8f2c1', 'sid=0a9b7').replace('%3C%2Fp%3E%3Cscript%3Ealert%281%29%3B%3C%2Fscript%3E%3Cp%3E', 'other');
    const again = read('zap-2.17-traditional.json', changed).results;
    expect(again.map(fp)).toEqual(results.map(fp));
    expect(new Set(results.map(fp)).size).toBe(results.length);
    const renamed = read('zap-2.17-traditional.json', text.replace('"param": "q"', '"param": "query"')).results;
    expect(fp(renamed[0]!)).not.toBe(fp(results[0]!));
  });
});

describe('traditional-json-plus with Automation Framework plan errors', () => {
  const text = readFileSync(join(FIXTURES, 'zap-2.17-traditional.json'), 'utf8').replace(
    '"insights":[',
    '"afPlanErrors": ["Job spider error accessing URL https://shop.example.test/ : Connection refused"], "afPlanWarns": ["Job passiveScan-wait timed out"], "insights":[',
  );

  it('records the scan as failed (the gate fails closed on it), keeps the warnings', () => {
    const { run } = read('zap-plan.json', text);
    expect(run.invocations).toEqual([expect.objectContaining({ executionSuccessful: false })]);
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('Connection refused');
    expect(run.properties?.['afPlanWarnings']).toEqual(['Job passiveScan-wait timed out']);
  });

  it('secgate check exits 2 on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-zap-'));
    const file = join(dir, 'zap-plan.json');
    writeFileSync(file, text.replace(/"riskcode": "3"/g, '"riskcode": "1"'));
    const r = await runCli(['check', file, '--sarif', join(dir, 'out.sarif')]);
    expect(r.code).toBe(2);
  });
});

describe('older traditional JSON: `site` as one object, numbers as numbers, no @programName, no alertRef', () => {
  const { format, run, results } = read('zap-single-site.json');

  it('reads the single site', () => {
    expect(format).toBe('zap-json');
    expect(run.tool.driver.name).toBe('ZAP');
    expect(run.tool.driver.version).toBe('2.8.0');
    expect(results).toHaveLength(3);
    expect(results.map((r) => r.ruleId)).toEqual(['10016', '10016', '0']);
    expect(results.map((r) => prop(r, 'severity'))).toEqual(['low', 'low', 'medium']);
    expect(results.map((r) => r.rank)).toEqual([60, 60, 60]);
    expect(prop(results[2]!, 'param')).toBeUndefined();
    expect(prop(results[2]!, 'attack')).toBe('Parent Directory');
  });
});

describe('traditional XML-plus (localised date, requests and responses)', () => {
  const { format, run, results } = read('zap-xml-plus.xml');

  it('reads the alerts and keeps the localised date as an opaque string', () => {
    expect(format).toBe('zap-xml');
    expect(run.tool.driver.version).toBe('2.16.1');
    expect(run.properties?.['generated']).toBe('Mo., 23 Nov. 2026 12:42:07');
    expect(results.map((r) => r.ruleId)).toEqual(['10202-1', '10035-1', '10035-1']);
    expect(results.map((r) => prop(r, 'severity'))).toEqual(['medium', 'low', 'low']);
    expect(results.map((r) => r.rank)).toEqual([30, 90, 90]);
  });

  it('keeps the response status, never the headers or bodies (they carry tokens and cookies)', () => {
    expect(results.map((r) => prop(r, 'responseStatus'))).toEqual(['200', '200', '404']);
    const all = JSON.stringify(run);
    expect(all).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(all).not.toContain('s3cr3t-session-value');
  });

  it('reads -plus texts as plain text and the alert tags', () => {
    const rule = run.tool.driver.rules!.find((r) => r.id === '10202-1')!;
    expect(rule.fullDescription!.text).toContain('HTML submission form.\nA cross-site request forgery');
    expect(rule.properties?.['zapTags']).toEqual({ OWASP_2021_A01: 'https://owasp.org/Top10/A01_2021-Broken_Access_Control/', 'CWE-352': 'https://cwe.mitre.org/data/definitions/352.html' });
    expect(prop(results[0]!, 'evidence')).toBe('<form action="/account" method="POST">');
  });

  it('fails closed with the line and column of malformed XML', () => {
    const broken = readFileSync(join(FIXTURES, 'zap-xml-plus.xml'), 'utf8').replace('</alertitem>', '</alert-item>');
    let err: unknown;
    try {
      parseReport({ path: 'zap.xml' }, broken, { unknownSeverity: 'medium' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReportError);
    expect((err as ReportError).oneLine()).toMatch(/^zap\.xml \(line \d+, column \d+\): does not look like ZAP traditional XML/);
    expect((err as ReportError).oneLine().split('\n')).toHaveLength(1);
  });

  it('does not expand a DOCTYPE entity bomb (billion laughs)', () => {
    const ents = ['<!ENTITY a0 "dos">'];
    for (let i = 1; i < 10; i++) ents.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE OWASPZAPReport [${ents.join('')}]><OWASPZAPReport version="2.9.0"><site name="https://a.test"><alerts><alertitem><pluginid>1</pluginid><name>&a9;</name><riskcode>3</riskcode><confidence>2</confidence></alertitem></alerts></site></OWASPZAPReport>`;
    const { run, results } = read('bomb.xml', xml, 'zap-xml');
    expect(results).toHaveLength(1);
    expect(JSON.stringify(run).length).toBeLessThan(20_000);
  });

  it('is detected after a BOM and a comment, and can be forced with --format zap-xml', () => {
    const text = `\ufeff<?xml version="1.0"?>\n<!-- ZAP -->\n<OWASPZAPReport version="2.9.0" generated="x"><site name="https://a.test" host="a.test" port="443" ssl="true"><alerts></alerts></site></OWASPZAPReport>`;
    expect(read('a.xml', text).results).toHaveLength(0);
    expect(read('a.xml', text, 'zap-xml').format).toBe('zap-xml');
  });
});

describe("ZAP's own sarif-json report", () => {
  const { format, run, results } = read('zap-sarif.sarif');

  it('goes through the SARIF adapter as kind dast with severities from ZAP levels (error/warning/note/none = High/Medium/Low/Informational)', () => {
    expect(format).toBe('sarif');
    expect(run.tool.driver.name).toBe('OWASP ZAP');
    expect(run.properties?.['kind']).toBe('dast');
    expect(results.map((r) => prop(r, 'severity'))).toEqual(['high', 'medium', 'low', 'info']);
    expect(results.every((r) => prop(r, 'kind') === 'dast')).toBe(true);
    expect(uri(results[0]!)).toMatch(/^https:\/\/shop\.example\.test\/search\?q=/);
  });

  it('is kind dast whichever name ZAP gives itself (OWASP ZAP, ZAP, zaproxy: rules/tool-kinds.json)', () => {
    for (const name of ['ZAP', 'zaproxy']) {
      const text = readFileSync(join(FIXTURES, 'zap-sarif.sarif'), 'utf8').replace('"name": "OWASP ZAP"', `"name": "${name}"`);
      expect(read('zap-sarif.sarif', text).run.properties?.['kind']).toBe('dast');
    }
  });

  it('drops a region ZAP writes with startLine 0 (evidence not found in the body) rather than emitting invalid SARIF', () => {
    const text = readFileSync(join(FIXTURES, 'zap-sarif.sarif'), 'utf8').replace('"startLine": 12,', '"startLine": 0,');
    const again = read('zap-sarif.sarif', text).results;
    expect(again[0]!.locations![0]!.physicalLocation!.region).toBeUndefined();
    expect(prop(again[0]!, 'severity')).toBe('high');
  });
});

describe('secgate check on ZAP reports', () => {
  it('fails the gate on the high XSS and writes a valid log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-zap-'));
    const out = join(dir, 'secgate.sarif');
    const r = await runCli(['check', join(FIXTURES, 'zap-2.17-traditional.json'), join(FIXTURES, 'zap-xml-plus.xml'), join(FIXTURES, 'zap-api-alerts.json'), '--sarif', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ZAP');
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarifProblems(log)).toEqual([]);
  });
});
