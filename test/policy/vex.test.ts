import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gate } from '../../src/pipeline.js';
import { ReportError } from '../../src/errors.js';
import { parseVex } from '../../src/policy/vex.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusPath } from '../helpers/corpus.js';
import { config, NOW, vulnRun } from './build.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'policy');
const doc = (file: string, path = join(FIX, file)) => ({ file, ...parseVex(JSON.parse(readFileSync(path, 'utf8')), file) });

const findings = () =>
  vulnRun('grype', 'container', [
    { id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical' },
    { id: 'CVE-2021-44228', pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.16.0', severity: 'critical' },
    { id: 'CVE-2022-0001', pkg: 'lodash', version: '4.17.20', severity: 'high' },
    { id: 'CVE-2023-0002', pkg: 'minimist', version: '1.2.5', severity: 'high' },
    { id: 'CVE-2023-0003', pkg: 'express', version: '4.17.1', severity: 'high' },
    { id: 'CVE-2023-0004', pkg: 'busybox', type: 'apk', namespace: 'alpine', version: '1.36.1-r0', severity: 'high' },
  ]);

const Y = 'policy: { fail_on: [ { severity: high } ] }';

describe('OpenVEX', () => {
  it('not_affected (subcomponent purl, matched through the alias) and fixed suppress; affected and under_investigation do not', () => {
    const { log, verdict } = gate({ runs: [findings()], config: config(Y), now: NOW, vex: [doc('app.openvex.json')] });
    const open = verdict.reasons[0]!.findings!.map((f) => `${f.ruleId} ${f.package}`).sort();
    expect(open).toEqual([
      'CVE-2021-44228 org.apache.logging.log4j/log4j-core@2.16.0', // another version than the statement's
      'CVE-2023-0002 minimist@1.2.5', // affected
      'CVE-2023-0003 express@4.17.1', // under_investigation
      'CVE-2023-0004 alpine/busybox@1.36.1-r0', // statement names only the image: no package to match
    ]);
    const log4j = log.runs[0]!.results!.find((r) => r.ruleId === 'GHSA-jfh8-c2jp-5v3q')!;
    expect(log4j.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'VEX not_affected (vulnerable_code_not_in_execute_path: JNDI lookups are disabled (log4j2.formatMsgNoLookups=true) and no user input reaches a logger.)',
        properties: { source: 'vex', document: 'app.openvex.json', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
      },
    ]);
    expect(verdict.vex).toEqual([{ document: 'app.openvex.json', format: 'openvex', statements: 5, suppressing: 3, applied: 2 }]);
  });

  it('when two documents disagree, the statement that does not suppress wins (fail closed)', () => {
    const { verdict } = gate({ runs: [findings()], config: config(Y), now: NOW, vex: [doc('app.openvex.json'), doc('conflict.openvex.json')] });
    expect(verdict.reasons[0]!.findings!.map((f) => f.ruleId)).toContain('CVE-2022-0001');
  });

  it('rejects a document that is neither OpenVEX nor CycloneDX, and a statement without a status, with the file named', () => {
    expect(() => parseVex({ foo: 1 }, 'x.json')).toThrow(ReportError);
    expect(() => parseVex({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-1' }, products: [] }] }, 'x.json')).toThrow(/x.json \(statements\[0\].status\)/);
  });
});

describe('CycloneDX VEX', () => {
  it.skipIf(!HAVE_CORPUS)(`the corpus vex.json (not_affected via a BOM-Link ref) suppresses jackson-databind ${HAVE_CORPUS ? '' : NO_CORPUS_REASON}`, () => {
    const vex = doc('vex.json', corpusPath('cyclonedx/mitre/vex.json'));
    expect(vex.format).toBe('cyclonedx');
    expect(vex.statements[0]).toMatchObject({ ids: ['CVE-2020-25649', 'SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302'], purls: ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0'], status: 'not_affected', suppresses: true, justification: 'code_not_reachable' });
    const run = vulnRun('grype', 'sca', [
      { id: 'CVE-2020-25649', pkg: 'jackson-databind', namespace: 'com.fasterxml.jackson.core', type: 'maven', version: '2.10.0', severity: 'high' },
      { id: 'CVE-2020-25649', pkg: 'jackson-databind', namespace: 'com.fasterxml.jackson.core', type: 'maven', version: '2.9.0', severity: 'high' },
    ]);
    const { verdict } = gate({ runs: [run], config: config(Y), now: NOW, vex: [vex] });
    expect(verdict.reasons[0]).toMatchObject({ count: 1, findings: [{ package: 'com.fasterxml.jackson.core/jackson-databind@2.9.0' }] });
  });

  it.skipIf(!HAVE_CORPUS)('a CycloneDX BOM with vulnerabilities but no analysis (dropwizard-vex.json) has no statements', () => {
    expect(doc('d.json', corpusPath('cyclonedx/mitre/dropwizard-vex.json')).statements).toEqual([]);
  });

  it('exploitable and in_triage do not suppress; false_positive and resolved do; refs resolve through components', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [{ 'bom-ref': 'lodash-ref', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' }, { 'bom-ref': 'mm', purl: 'pkg:npm/minimist@1.2.5' }, { 'bom-ref': 'ex', purl: 'pkg:npm/express@4.17.1' }],
      vulnerabilities: [
        { id: 'CVE-2022-0001', analysis: { state: 'false_positive' }, affects: [{ ref: 'lodash-ref' }] },
        { id: 'CVE-2023-0002', analysis: { state: 'exploitable' }, affects: [{ ref: 'mm' }] },
        { id: 'CVE-2023-0003', analysis: { state: 'in_triage' }, affects: [{ ref: 'ex' }] },
      ],
    };
    const run = vulnRun('grype', 'sca', [
      { id: 'CVE-2022-0001', pkg: 'lodash', version: '4.17.20', severity: 'high' },
      { id: 'CVE-2023-0002', pkg: 'minimist', version: '1.2.5', severity: 'high' },
      { id: 'CVE-2023-0003', pkg: 'express', version: '4.17.1', severity: 'high' },
    ]);
    const { verdict } = gate({ runs: [run], config: config(Y), now: NOW, vex: [{ file: 'bom.json', ...parseVex(bom, 'bom.json') }] });
    expect(verdict.reasons[0]!.findings!.map((f) => f.ruleId).sort()).toEqual(['CVE-2023-0002', 'CVE-2023-0003']);
  });
});
