import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Log, Run } from 'sarif';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { asffJson, severityFromNormalized } from '../../../src/scanners/asff/asff.js';
import { isSuppressed, props } from '../../../src/sarif/props.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusPath } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

const FIX = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'asff');
const opts = { unknownSeverity: 'medium' as const };
const log = (runs: Run[]): Log => ({ version: '2.1.0', runs });
const all = (runs: Run[]) => runs.flatMap((r) => r.results ?? []);

type Finding = { Severity?: { Label?: string }; RecordState?: string; Workflow?: { Status?: string }; Compliance?: { Status?: string } };
const nativeFindings = (text: string): Finding[] => {
  try {
    const d = JSON.parse(text);
    return Array.isArray(d) ? d : d.Findings;
  } catch {
    return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  }
};
const nativeSuppressed = (f: Finding) => f.RecordState === 'ARCHIVED' || f.Workflow?.Status === 'SUPPRESSED' || f.Workflow?.Status === 'RESOLVED';

describe.skipIf(!HAVE_CORPUS)(`ASFF corpus (${HAVE_CORPUS ? 'present' : NO_CORPUS_REASON})`, () => {
  it.each([
    ['asff/mitre/asff_sample.json', 'asff'],
    ['asff/mitre/prowler_sample.json', 'asff'],
    ['asff/mitre/prowler-sample.asff-json', 'asff-lines'],
    ['asff/mitre/rhel7_V-71931_asff.json', 'asff'],
    ['trivy/mitre/trivy-image_golang-1.12-alpine_sample.json', 'asff'],
  ])('%s: one result per finding, labels and suppression as the source says', (rel, format) => {
    const path = corpusPath(rel);
    const text = readFileSync(path, 'utf8');
    const native = nativeFindings(text);
    const r = parseReport({ path }, text, opts);
    expect(r.format).toBe(format);
    const results = all(r.runs);
    expect(results).toHaveLength(native.length);
    results.forEach((res, i) => {
      const f = native[i]!;
      const label = f.Severity?.Label?.toLowerCase();
      if (f.Compliance?.Status === 'PASSED') {
        expect(res.kind).toBe('pass');
        expect(props(res).severity).toBe('info');
      } else if (label) {
        expect(props(res).severity).toBe(label === 'informational' ? 'info' : label);
      }
      expect(isSuppressed(res)).toBe(nativeSuppressed(f));
    });
    expect(sarifProblems(log(r.runs))).toEqual([]);
  });

  it("Trivy's ASFF template: CVE, package, installed and fixed versions from Details.Other", () => {
    const path = corpusPath('trivy/mitre/trivy-image_golang-1.12-alpine_sample.json');
    const r = parseReport({ path }, readFileSync(path, 'utf8'), opts);
    expect(r.runs.map((x) => x.tool.driver.name)).toEqual(['Trivy']);
    const first = r.runs[0]!.results![0]!;
    expect(first.ruleId).toBe('CVE-2021-36159');
    expect(props(first)).toMatchObject({ vulnerabilityId: 'CVE-2021-36159', packageName: 'apk-tools', packageVersion: '2.10.4-r3', fixedVersions: ['2.10.7-r0'], kind: 'container', severity: 'critical' });
  });
});

describe('a Security Hub export mixing products', () => {
  const text = readFileSync(join(FIX, 'securityhub-export.json'), 'utf8');
  const r = parseReport({ path: 'securityhub-export.json' }, text, opts);

  it('one run per product, unique categories', () => {
    expect(r.runs.map((x) => x.tool.driver.name).sort()).toEqual(['GuardDuty', 'Inspector', 'Security Hub']);
    expect(new Set(r.runs.map((x) => x.automationDetails?.id)).size).toBe(3);
    expect(sarifProblems(log(r.runs))).toEqual([]);
  });

  it('kinds from Types: Inspector CVE on an ECR image is container, GuardDuty TTPs runtime, controls iac', () => {
    const kind = (tool: string) => props(r.runs.find((x) => x.tool.driver.name === tool)!.results![0]!).kind;
    expect(kind('Inspector')).toBe('container');
    expect(kind('GuardDuty')).toBe('runtime');
    expect(kind('Security Hub')).toBe('iac');
  });

  it('ASFF Vulnerabilities[] become package properties; SUPPRESSED and ARCHIVED are suppressed; PASSED is a pass', () => {
    const insp = r.runs.find((x) => x.tool.driver.name === 'Inspector')!.results![0]!;
    expect(props(insp)).toMatchObject({ vulnerabilityId: 'CVE-2023-38545', packageName: 'curl', severity: 'critical', 'security-severity': '9.8' });
    const sh = r.runs.find((x) => x.tool.driver.name === 'Security Hub')!.results!;
    expect(sh.map((x) => [x.ruleId, isSuppressed(x), x.kind ?? 'fail'])).toEqual([
      ['S3.8', true, 'fail'],
      ['IAM.6', true, 'fail'],
      ['CloudTrail.1', false, 'pass'],
    ]);
  });
});

it.each([
  [0, 'info'], [1, 'low'], [39, 'low'], [40, 'medium'], [69, 'medium'], [70, 'high'], [89, 'high'], [90, 'critical'], [100, 'critical'],
])('Severity.Normalized %i is %s (ASFF bands)', (n, s) => expect(severityFromNormalized(n)).toBe(s));

describe('property: any ASFF-shaped input gives a typed error or a valid log', () => {
  const finding = fc.record({
    SchemaVersion: fc.constant('2018-10-08'),
    Id: fc.oneof(fc.string(), fc.integer()),
    ProductArn: fc.oneof(fc.constant('arn:aws:securityhub:us-east-1::product/aws/securityhub'), fc.string()),
    GeneratorId: fc.option(fc.string(), { nil: undefined }),
    Title: fc.option(fc.string(), { nil: undefined }),
    Severity: fc.record({ Label: fc.oneof(fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'), fc.string()), Normalized: fc.oneof(fc.integer({ min: -10, max: 200 }), fc.string()) }, { requiredKeys: [] }),
    Types: fc.oneof(fc.array(fc.string()), fc.string()),
    Resources: fc.array(fc.record({ Type: fc.string(), Id: fc.string() }, { requiredKeys: [] })),
    RecordState: fc.constantFrom('ACTIVE', 'ARCHIVED', undefined),
    Workflow: fc.option(fc.record({ Status: fc.constantFrom('NEW', 'SUPPRESSED', 'RESOLVED', 'NOTIFIED') }), { nil: undefined }),
    Vulnerabilities: fc.option(fc.array(fc.record({ Id: fc.string(), VulnerablePackages: fc.array(fc.record({ Name: fc.string(), Version: fc.string() })) })), { nil: undefined }),
  }, { requiredKeys: ['SchemaVersion', 'Id', 'ProductArn'] });
  it('never crashes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(finding, fc.jsonValue()), { maxLength: 5 }), (findings) => {
        let runs: Run[];
        try {
          runs = asffJson.toRuns({ Findings: findings }, { file: 'a', category: 'c', unknownSeverity: 'medium' });
        } catch (e) {
          expect((e as Error).name).toBe('ShapeError');
          return;
        }
        expect(sarifProblems(log(runs))).toEqual([]);
        expect(all(runs)).toHaveLength(findings.length);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });
});
