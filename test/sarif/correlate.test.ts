import { describe, expect, it } from 'vitest';
import type { Log, Run } from 'sarif';
import { RunBuilder, type FindingInput } from '../../src/sarif/builder.js';
import { correlate } from '../../src/sarif/correlate.js';
import { mergeRuns } from '../../src/sarif/merge.js';

type Pkg = { id: string; aliases?: string[]; purl: string; uri?: string };

function run(tool: string, findings: Pkg[]): Run {
  const b = new RunBuilder({ name: tool }, 'sca', { file: `${tool}.json`, category: tool, unknownSeverity: 'medium' }, tool);
  for (const f of findings) {
    const input: FindingInput = {
      ruleId: f.id,
      message: f.id,
      severity: 'high',
      location: { uri: f.uri ?? 'package-lock.json' },
      identity: [f.id, f.purl, f.uri],
      properties: { vulnerabilityId: f.id, aliases: f.aliases ?? [], purl: f.purl },
    };
    b.add(input);
  }
  return b.build();
}

function guids(log: Log): string[][] {
  return log.runs.map((r) => (r.results ?? []).map((x) => x.correlationGuid!));
}

describe('correlation: one class per vulnerability in a package, whichever tool saw it', () => {
  it('the same CVE in the same package from grype and trivy shares one correlationGuid', () => {
    const log = mergeRuns([run('grype', [{ id: 'CVE-2022-37434', purl: 'pkg:apk/alpine/zlib@1.2.12-r1' }]), run('trivy', [{ id: 'CVE-2022-37434', purl: 'pkg:apk/alpine/zlib@1.2.12-r1' }])]);
    correlate(log);
    const [g, t] = guids(log).flat();
    expect(g).toBe(t);
    expect(g).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a GHSA and its CVE alias meet, in either direction', () => {
    const log = mergeRuns([
      run('grype', [{ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], purl: 'pkg:npm/lodash@4.17.20' }]),
      run('trivy', [{ id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], purl: 'pkg:npm/lodash@4.17.20' }]),
      run('npm audit', [{ id: 'GHSA-35JH-R3H4-6JHM', purl: 'pkg:npm/lodash@4.17.20' }]),
    ]);
    correlate(log);
    expect(new Set(guids(log).flat()).size).toBe(1);
  });

  it('transitively: A~B in one tool and B~C in another are one class', () => {
    const log = mergeRuns([
      run('a', [{ id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2020-0001'], purl: 'pkg:npm/x@1' }]),
      run('b', [{ id: 'CVE-2020-0001', aliases: ['OSV-2020-9'], purl: 'pkg:npm/x@1' }]),
      run('c', [{ id: 'OSV-2020-9', purl: 'pkg:npm/x@1' }]),
    ]);
    correlate(log);
    expect(new Set(guids(log).flat()).size).toBe(1);
  });

  it('a different package (or version) is a different issue', () => {
    const log = mergeRuns([
      run('grype', [{ id: 'CVE-2022-37434', purl: 'pkg:apk/alpine/zlib@1.2.12-r1' }, { id: 'CVE-2022-37434', purl: 'pkg:deb/debian/zlib1g@1.2.11' }]),
      run('trivy', [{ id: 'CVE-2022-37434', purl: 'pkg:apk/alpine/zlib@1.2.12-r2' }]),
    ]);
    correlate(log);
    expect(new Set(guids(log).flat()).size).toBe(3);
  });

  it('the same CVE in the same package found at two paths is one class (two sightings)', () => {
    const log = mergeRuns([run('grype', [
      { id: 'CVE-2021-33574', purl: 'pkg:deb/debian/libc6@2.28-10', uri: 'usr/lib/x86_64-linux-gnu/libc.so.6' },
      { id: 'CVE-2021-33574', purl: 'pkg:deb/debian/libc6@2.28-10', uri: 'lib/x86_64-linux-gnu/libc.so.6' },
    ])]);
    correlate(log);
    const [a, b] = guids(log).flat();
    expect(a).toBe(b);
    expect(log.runs[0]!.results![0]!.partialFingerprints).not.toEqual(log.runs[0]!.results![1]!.partialFingerprints);
  });

  it('the class id does not depend on the order reports were given', () => {
    const make = () => [run('grype', [{ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], purl: 'pkg:npm/lodash@4.17.20' }]), run('trivy', [{ id: 'CVE-2021-23337', purl: 'pkg:npm/lodash@4.17.20' }])];
    const one = mergeRuns(make());
    const two = mergeRuns(make().reverse());
    correlate(one);
    correlate(two);
    expect(guids(one)).toEqual(guids(two));
  });
});

describe('correlation of code findings', () => {
  const codeRun = (tool: string, tag: string, line: number): Run => ({
    tool: { driver: { name: tool, rules: [{ id: `${tool}-rule` }] } },
    automationDetails: { id: `${tool}/` },
    results: [{ ruleId: `${tool}-rule`, message: { text: 'sql' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/routes/orders.js' }, region: { startLine: line } } }], properties: { severity: 'high', tags: ['security', tag] } }],
  });

  it("CodeQL's external/cwe/cwe-089 and Semgrep's \"CWE-89: …\" on the same line are one issue", () => {
    const log = mergeRuns([codeRun('CodeQL', 'external/cwe/cwe-089', 42), codeRun('Semgrep OSS', "CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')", 42)]);
    correlate(log);
    const [a, b] = log.runs.map((r) => r.results![0]!.correlationGuid);
    expect(a).toBe(b);
  });

  it('another line, or another CWE, is another issue', () => {
    const log = mergeRuns([codeRun('CodeQL', 'external/cwe/cwe-089', 42), codeRun('Semgrep OSS', 'CWE-89', 43), codeRun('gosec', 'CWE-890', 42)]);
    correlate(log);
    expect(new Set(log.runs.map((r) => r.results![0]!.correlationGuid)).size).toBe(3);
  });
});
