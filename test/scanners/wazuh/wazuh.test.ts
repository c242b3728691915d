import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Log, Run } from 'sarif';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { ReportError } from '../../../src/errors.js';
import { severityFromLevel } from '../../../src/scanners/wazuh/common.js';
import { wazuhAlerts } from '../../../src/scanners/wazuh/alerts-ndjson.js';
import { wazuhApiVulnerabilities } from '../../../src/scanners/wazuh/api-vulnerabilities.js';
import { wazuhIndexerStates } from '../../../src/scanners/wazuh/indexer-states.js';
import { props } from '../../../src/sarif/props.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusPath } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

const FIX = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'wazuh');
const opts = { unknownSeverity: 'medium' as const };
const log = (runs: Run[]): Log => ({ version: '2.1.0', runs });

describe('rule.level → severity (Wazuh rules classification)', () => {
  it.each([
    [0, 'info'], [2, 'info'], [3, 'low'], [4, 'medium'], [7, 'medium'], [8, 'high'], [11, 'high'], [12, 'critical'], [15, 'critical'],
  ])('level %i is %s', (level, sev) => expect(severityFromLevel(level)).toBe(sev));
});

describe.skipIf(!HAVE_CORPUS)(`Wazuh corpus (${HAVE_CORPUS ? 'present' : NO_CORPUS_REASON})`, () => {
  it('4.7 API: one result per affected item, Wazuh severity, package identity', () => {
    const path = corpusPath('wazuh/defectdojo/v4-7_one_finding.json');
    const native = JSON.parse(readFileSync(path, 'utf8'));
    const r = parseReport({ path }, readFileSync(path, 'utf8'), opts);
    expect(r.format).toBe('wazuh-api');
    const results = r.runs[0]!.results!;
    expect(results).toHaveLength(native.data.affected_items.length);
    const p = props(results[0]!);
    expect(p.severity).toBe('medium'); // "severity": "Medium"
    expect(p.kind).toBe('runtime');
    expect(p.vulnerabilityId).toBe('CVE-1234-123123');
    expect(p.packageName).toBe('asdf');
    expect(p.packageVersion).toBe('4.3.1');
    expect(p['security-severity']).toBe('5.5'); // cvss3_score inside the medium band
    expect(sarifProblems(log(r.runs))).toEqual([]);
  });

  it('4.8+ indexer: one result per hit, agent as logical location, deb purl with the OS platform', () => {
    const path = corpusPath('wazuh/defectdojo/v4-8_many_findings.json');
    const native = JSON.parse(readFileSync(path, 'utf8'));
    const r = parseReport({ path }, readFileSync(path, 'utf8'), opts);
    expect(r.format).toBe('wazuh-indexer');
    const run = r.runs[0]!;
    const hits = native.hits.hits as { _source: { vulnerability: { severity: string; id: string }; agent: { id: string; name: string }; package: { name: string; version: string } } }[];
    expect(run.results).toHaveLength(hits.length);
    run.results!.forEach((res, i) => {
      const src = hits[i]!._source;
      expect(props(res).severity).toBe(src.vulnerability.severity.toLowerCase());
      expect(res.ruleId).toBe(src.vulnerability.id);
      expect(res.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe(`agent ${src.agent.id} (${src.agent.name})`);
      expect(props(res).purl).toBe(`pkg:deb/ubuntu/${src.package.name}@${src.package.version}`);
    });
    // 125 matched, 10 returned: said, not hidden.
    expect(run.invocations![0]!.toolExecutionNotifications?.[0]?.message.text).toMatch(/125 documents .* 10/);
    expect(sarifProblems(log(r.runs))).toEqual([]);
  });
});

describe('alerts.json', () => {
  const text = readFileSync(join(FIX, 'alerts.json'), 'utf8');
  const run = parseReport({ path: 'alerts.json' }, text, opts).runs[0]!;
  const byRule = (id: string) => run.results!.filter((r) => r.ruleId === id);

  it('detects the format from the content and keeps every alert that is a finding', () => {
    expect(parseReport({ path: 'x.log' }, text, opts).format).toBe('wazuh-alerts');
    // 6 alerts; the passed SCA check is not a finding.
    expect(run.results).toHaveLength(5);
    expect(run.properties?.['alertsNotFindings']).toBe(1);
    expect(sarifProblems(log([run]))).toEqual([]);
  });

  it('syscheck: the file path, agent, level 7 → medium, MITRE and compliance tags', () => {
    const [r] = byRule('550');
    expect(r!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('etc/passwd');
    expect(r!.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe('agent 001 (web-01)');
    expect(props(r!).severity).toBe('medium');
    expect(props(r!).tags).toEqual(expect.arrayContaining(['runtime', 'wazuh:syscheck', 'mitre-attack:T1565.001', 'pci_dss:11.5', 'gdpr:II_5.1.f', 'hipaa:164.312.c.1', 'nist_800_53:SI.7', 'tsc:CC6.1']));
  });

  it('rootcheck: the trojaned file', () => {
    const [r] = byRule('510');
    expect(r!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('usr/bin/diff');
    expect(r!.message.text).toContain('Trojaned version of file detected.');
  });

  it('SCA: one rule per policy check, with the check\'s own compliance', () => {
    const [r] = byRule('sca/cis_ubuntu22-04/28566');
    expect(r!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('etc/ssh/sshd_config');
    expect(props(r!).tags).toEqual(expect.arrayContaining(['cis:5.2.10']));
  });

  it('vulnerability-detector: Wazuh severity (High) wins over rule.level, package + CVE for correlation', () => {
    const [r] = byRule('CVE-2024-6387');
    const p = props(r!);
    expect(p.severity).toBe('high');
    expect(p.vulnerabilityId).toBe('CVE-2024-6387');
    expect(p.packageName).toBe('openssh-server');
    expect(p['security-severity']).toBe('8.1');
    expect(p.tags).toEqual(expect.arrayContaining(['CWE-364', 'external/cwe/cwe-364']));
  });

  it('generic alerts keep their log location and ATT&CK techniques', () => {
    const [r] = byRule('5710');
    expect(r!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('var/log/auth.log');
    expect(props(r!).tags).toEqual(expect.arrayContaining(['mitre-attack:T1110.001', 'mitre-attack:T1021.004']));
  });

  it('a malformed line is an error naming its line number', () => {
    const lines = text.split('\n');
    lines.splice(2, 0, '{"timestamp":"2026-11-20T08:', '');
    const bad = lines.join('\n');
    expect(() => parseReport({ path: 'alerts.json' }, bad, opts)).toThrow(ReportError);
    expect(() => parseReport({ path: 'alerts.json' }, bad, opts)).toThrow(/alerts\.json \(line 3\)/);
  });

  it('with skipping asked for, malformed lines are counted as a warning, not hidden', () => {
    const bad = `${text}not json\n{"rule":\n`;
    const r = wazuhAlerts.toRuns(bad, { file: 'a', category: 'c', unknownSeverity: 'medium', skipMalformedLines: true })[0]!;
    expect(r.results).toHaveLength(5);
    expect(r.properties?.['malformedLinesSkipped']).toBe(2);
    expect(r.invocations![0]!.toolExecutionNotifications![0]!.message.text).toMatch(/2 malformed line\(s\) skipped.*lines 7, 8/);
  });

  it('the same alert read twice has the same fingerprint; a new change of the same file does not', () => {
    const again = parseReport({ path: 'alerts.json' }, text, opts).runs[0]!;
    expect(again.results!.map((r) => r.partialFingerprints)).toEqual(run.results!.map((r) => r.partialFingerprints));
    const changed = text.replace('e3f2a1b0c9d8', 'ffffffffffff');
    const other = parseReport({ path: 'alerts.json' }, changed, opts).runs[0]!;
    expect(other.results!.find((r) => r.ruleId === '550')!.partialFingerprints).not.toEqual(byRule('550')[0]!.partialFingerprints);
  });
});

describe('property: any line-delimited input gives a typed error or a valid run', () => {
  const alert = fc.record({
    timestamp: fc.option(fc.string(), { nil: undefined }),
    rule: fc.record({ level: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.string()), id: fc.oneof(fc.string(), fc.integer()), description: fc.option(fc.string(), { nil: undefined }), groups: fc.oneof(fc.array(fc.string()), fc.string()) }, { requiredKeys: ['level'] }),
    agent: fc.record({ id: fc.oneof(fc.string(), fc.integer()), name: fc.string() }, { requiredKeys: [] }),
    syscheck: fc.option(fc.record({ path: fc.oneof(fc.string(), fc.integer()), event: fc.string() }), { nil: undefined }),
    data: fc.option(fc.oneof(fc.record({ vulnerability: fc.record({ cve: fc.string(), package: fc.record({ name: fc.string(), version: fc.string() }), severity: fc.string() }) }), fc.record({ sca: fc.record({ check: fc.record({ id: fc.string(), result: fc.constantFrom('failed', 'passed') }) }) }), fc.jsonValue()), { nil: undefined }),
  });
  it('never crashes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(alert.map((a) => JSON.stringify(a)), fc.string()), { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, skip) => {
        const text = lines.join('\n');
        let runs: Run[];
        try {
          runs = wazuhAlerts.toRuns(text, { file: 'a', category: 'c', unknownSeverity: 'medium', skipMalformedLines: skip });
        } catch (e) {
          expect((e as Error).name).toBe('ShapeError');
          return;
        }
        expect(sarifProblems(log(runs))).toEqual([]);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });
});

describe('property: the API and indexer adapters give a typed error or a valid run', () => {
  const ctx = { file: 'a', category: 'c', unknownSeverity: 'medium' as const };
  const loose = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.double());
  const apiItem = fc.record({ cve: loose, name: loose, version: loose, severity: fc.oneof(fc.constantFrom('Critical', 'High', 'Medium', 'Low', 'Untriaged', '-'), fc.string()), cvss3_score: loose, cvss2_score: loose, external_references: fc.oneof(fc.array(fc.string()), loose), agent_id: loose }, { requiredKeys: [] });
  const hit = fc.record({
    _index: fc.constant('wazuh-states-vulnerabilities-x'),
    _source: fc.record({
      agent: fc.oneof(fc.record({ id: loose, name: loose }, { requiredKeys: [] }), loose),
      host: fc.oneof(fc.record({ os: fc.record({ platform: loose, full: loose }, { requiredKeys: [] }) }), loose),
      package: fc.record({ name: loose, version: loose, type: fc.oneof(fc.constantFrom('deb', 'rpm', 'npm'), loose), path: loose }, { requiredKeys: [] }),
      vulnerability: fc.record({ id: loose, severity: loose, score: fc.oneof(fc.record({ base: loose, version: loose }), loose), reference: loose, classification: loose, description: loose }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
  }, { requiredKeys: ['_index'] });
  const check = (toRuns: () => Run[]) => {
    let runs: Run[];
    try {
      runs = toRuns();
    } catch (e) {
      expect((e as Error).name).toBe('ShapeError');
      return;
    }
    expect(sarifProblems(log(runs))).toEqual([]);
  };
  it('4.7 API answers', () => {
    fc.assert(fc.property(fc.array(apiItem, { maxLength: 4 }), fc.array(fc.jsonValue(), { maxLength: 1 }), (items, failed) => check(() => wazuhApiVulnerabilities.toRuns({ data: { affected_items: items, failed_items: failed, total_affected_items: items.length } }, ctx))), { numRuns: fuzzRuns(200) });
  });
  it('4.8+ indexer search responses', () => {
    fc.assert(fc.property(fc.array(hit, { maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }), fc.boolean(), (hits, total, timedOut) => check(() => wazuhIndexerStates.toRuns({ timed_out: timedOut, hits: { ...(total !== undefined ? { total: { value: total } } : {}), hits } }, ctx))), { numRuns: fuzzRuns(200) });
  });
});

describe('partial answers fail closed', () => {
  const ctx = { file: 'a', category: 'c', unknownSeverity: 'medium' as const };
  it('an indexer answer that timed out or lost shards marks the run failed', () => {
    const hits = { hits: [{ _index: 'wazuh-states-vulnerabilities-x', _source: { agent: { id: '001' }, package: { name: 'curl', version: '1' }, vulnerability: { id: 'CVE-1', severity: 'High' } } }] };
    expect(wazuhIndexerStates.toRuns({ timed_out: true, hits }, ctx)[0]!.invocations![0]!.executionSuccessful).toBe(false);
    expect(wazuhIndexerStates.toRuns({ _shards: { failed: 1 }, hits }, ctx)[0]!.invocations![0]!.executionSuccessful).toBe(false);
    expect(wazuhIndexerStates.toRuns({ timed_out: false, _shards: { failed: 0 }, hits }, ctx)[0]!.invocations![0]!.executionSuccessful).toBe(true);
  });
  it('a 4.7 API answer with failed_items marks the run failed', () => {
    const run = wazuhApiVulnerabilities.toRuns({ data: { affected_items: [], failed_items: [{ error: { code: 1701, message: 'Agent does not exist' }, id: ['009'] }], total_affected_items: 0 } }, ctx)[0]!;
    expect(run.invocations![0]!.executionSuccessful).toBe(false);
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('Agent does not exist');
  });
});
