import { describe, expect, it } from 'vitest';
import { gate } from '../../src/pipeline.js';
import { config, codeRun, dastRun, failedRun, NOW, sonarRun, vulnRun } from './build.js';
import type { Run } from 'sarif';

const verdictOf = (yaml: string, runs: Run[]) => gate({ runs, config: config(yaml), now: NOW }).verdict;

describe('thresholds: the documented forms', () => {
  const runs = () => [
    vulnRun('grype', 'container', [
      { id: 'CVE-2022-37434', pkg: 'zlib', version: '1.2.12-r1', type: 'apk', namespace: 'alpine', severity: 'critical', fixed: ['1.2.12-r2'] },
      { id: 'CVE-2023-0001', pkg: 'busybox', version: '1.35.0-r17', type: 'apk', namespace: 'alpine', severity: 'critical' },
    ]),
    dastRun(Array.from({ length: 11 }, (_, i) => ({ rule: '10038', url: `https://staging.example.com/page/${i}`, severity: 'medium' as const }))),
  ];

  it('{ severity: high } counts high AND critical ("X or above")', () => {
    const v = verdictOf('policy: { fail_on: [ { severity: high } ] }', runs());
    expect(v.status).toBe('fail');
    expect(v.reasons[0]).toMatchObject({ code: 'threshold', count: 2, max: 0, rule: 'fail_on[0]: severity ≥ high' });
  });

  it('{ severity: medium, tools: [zap], max: 10 } fails on the 11th medium ZAP alert, and "zap" names the tool "ZAP"', () => {
    const y = 'policy: { fail_on: [ { severity: medium, tools: [zap], max: 10 } ] }';
    expect(verdictOf(y, runs()).reasons).toMatchObject([{ count: 11, max: 10 }]);
    const ten = [dastRun(Array.from({ length: 10 }, (_, i) => ({ rule: '10038', url: `https://s.example.com/${i}`, severity: 'medium' as const })))];
    expect(verdictOf(y, ten).status).toBe('pass');
  });

  it('{ kind: container, fixable: true, severity: critical } counts only the critical container finding with a fix', () => {
    const v = verdictOf('policy: { fail_on: [ { kind: container, fixable: true, severity: critical } ] }', runs());
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]!.count).toBe(1);
    expect(v.reasons[0]!.findings![0]).toMatchObject({ ruleId: 'CVE-2022-37434', fixedVersions: ['1.2.12-r2'], package: 'alpine/zlib@1.2.12-r1' });
  });

  it('a severity list means exactly those severities', () => {
    const r = [vulnRun('grype', 'sca', [{ id: 'CVE-1', pkg: 'a', version: '1', severity: 'critical' }, { id: 'CVE-2', pkg: 'b', version: '1', severity: 'low' }])];
    expect(verdictOf('policy: { fail_on: [ { severity: [low] } ] }', r).reasons[0]!.count).toBe(1);
    expect(verdictOf('policy: { fail_on: [ { severity: [medium, high] } ] }', r).status).toBe('pass');
  });

  it('warn_on never fails the build', () => {
    const v = verdictOf('policy: { fail_on: [], warn_on: [ { severity: medium } ] }', runs());
    expect(v.status).toBe('pass');
    expect(v.warnings.map((w) => w.code)).toContain('threshold-warning');
  });
});

describe('thresholds: matchers', () => {
  const sca = vulnRun('grype', 'sca', [
    { id: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'], pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical', cvss: 10, epss: 0.97, kev: true, fixed: ['2.15.0'] },
    { id: 'CVE-2020-0002', pkg: 'left-pad', version: '1.0.0', severity: 'high', cvss: 7.5, epss: 0.01 },
  ]);
  const sast = codeRun('Semgrep OSS', [{ rule: 'js.xss', file: 'src/web/view.js', line: 10, severity: 'high', cwe: 'CWE-79' }, { rule: 'js.sqli', file: 'test/db.js', line: 3, severity: 'high', cwe: 'CWE-89' }]);
  const cases: [string, number][] = [
    ['{ ids: ["GHSA-jfh8-*"] }', 1], // alias glob
    ['{ ids: ["CVE-2021-*"] }', 1],
    ['{ rules: ["js.*"] }', 2],
    ['{ cwes: [CWE-79] }', 1],
    ['{ paths: ["src/**"] }', 1],
    ['{ packages: ["pkg:maven/org.apache.logging.log4j/*"] }', 1],
    ['{ cvss: 9 }', 1],
    ['{ epss: 0.5 }', 1],
    ['{ kev: true }', 1],
    ['{ fixable: false, kinds: [sca] }', 1],
    ['{ tools: [semgrep] }', 2],
    ['{ kinds: [sast, sca] }', 4],
  ];
  it.each(cases)('%s matches %i distinct findings', (rule, n) => {
    const v = verdictOf(`policy: { fail_on: [ ${rule} ] }`, [sca, sast]);
    expect(v.reasons[0]?.count ?? 0).toBe(n);
  });
});

describe('SARIF result kinds', () => {
  it('a passed check (kind pass / notApplicable / informational) never counts; fail, open and review do', () => {
    const run = codeRun('BinSkim', [1, 2, 3, 4].map((n) => ({ rule: `BA200${n}`, file: 'bin/app.dll', line: n, severity: 'high' as const })));
    const kinds = ['pass', 'notApplicable', 'informational', 'review'] as const;
    run.results!.forEach((r, i) => (r.kind = kinds[i]));
    expect(verdictOf('policy: { fail_on: [ { severity: high } ] }', [run]).reasons[0]).toMatchObject({ count: 1, findings: [{ ruleId: 'BA2004' }] });
  });
});

describe('cross-tool counting', () => {
  it('the same CVE on the same package from Grype and Trivy counts once; another package counts apart', () => {
    const grype = vulnRun('grype', 'container', [{ id: 'CVE-2022-37434', pkg: 'zlib', version: '1.2.12-r1', type: 'apk', namespace: 'alpine', severity: 'critical' }]);
    const trivy = vulnRun('trivy', 'container', [
      { id: 'CVE-2022-37434', pkg: 'zlib', version: '1.2.12-r1', type: 'apk', namespace: 'alpine', severity: 'critical' },
      { id: 'CVE-2022-37434', pkg: 'zlib-dev', version: '1.2.12-r1', type: 'apk', namespace: 'alpine', severity: 'critical' },
    ]);
    const v = verdictOf('policy: { fail_on: [ { severity: critical, max: 1 } ] }', [grype, trivy]);
    expect(v.reasons[0]).toMatchObject({ count: 2, max: 1 });
    expect(verdictOf('policy: { fail_on: [ { severity: critical, max: 2 } ] }', [grype, trivy]).status).toBe('pass');
  });
});

describe('scan health', () => {
  it('a failed non-optional scanner is an error (exit 2), not a pass', () => {
    expect(verdictOf('policy: { fail_on: [] }', [failedRun('trivy', 'container')]).status).toBe('error');
  });
  it('require.kinds: no container scan ran → error; a failed one does not count as run', () => {
    const y = 'policy: { require: { kinds: [container] } }';
    const v = verdictOf(y, [codeRun('Semgrep OSS', [])]);
    expect(v.status).toBe('error');
    expect(v.reasons[0]).toMatchObject({ code: 'required-scan-missing', rule: 'require.kinds: container' });
    expect(verdictOf(y, [vulnRun('grype', 'container', [])]).status).toBe('pass');
    const optional = failedRun('grype', 'container');
    optional.properties = { ...optional.properties, optional: true };
    expect(verdictOf(y, [optional]).reasons.map((r) => r.code)).toEqual(['required-scan-missing', 'nothing-scanned']);
    // With another scan that completed, the failed optional one is only a warning.
    expect(verdictOf('policy: {}', [optional, codeRun('Semgrep OSS', [])]).status).toBe('pass');
    expect(verdictOf('policy: {}', [optional]).status).toBe('error');
  });
  it('require.tools names a tool that must have run', () => {
    expect(verdictOf('policy: { require: { tools: [zap] } }', [dastRun([])]).status).toBe('pass');
    expect(verdictOf('policy: { require: { tools: [zap] } }', [codeRun('Semgrep OSS', [])]).status).toBe('error');
  });
});

describe('SonarQube quality gate', () => {
  const error = { status: 'ERROR', projectKey: 'shop', conditions: [{ metricKey: 'new_coverage', status: 'ERROR', comparator: 'LT', errorThreshold: '80', actualValue: '42.0' }, { metricKey: 'new_bugs', status: 'OK', actualValue: '0' }] };
  it('enforce (the default): a gate in ERROR fails the build, naming the failed condition', () => {
    const v = verdictOf('policy: { fail_on: [] }', [sonarRun(error)]);
    expect(v.status).toBe('fail');
    expect(v.reasons[0]!.code).toBe('quality-gate');
    expect(v.reasons[0]!.message).toContain('new_coverage 42.0 (must not be < 80)');
    expect(v.reasons[0]!.message).not.toContain('new_bugs');
  });
  it('warn: the same gate only warns; ignore: says nothing', () => {
    const w = verdictOf('policy: { fail_on: [], quality_gate: warn }', [sonarRun(error)]);
    expect(w.status).toBe('pass');
    expect(w.warnings.map((x) => x.code)).toEqual(['quality-gate-warning']);
    const i = verdictOf('policy: { fail_on: [], quality_gate: ignore }', [sonarRun(error)]);
    expect(i).toMatchObject({ status: 'pass', warnings: [] });
  });
  it('OK passes; WARN warns even under enforce', () => {
    expect(verdictOf('policy: { fail_on: [] }', [sonarRun({ status: 'OK' })])).toMatchObject({ status: 'pass', warnings: [] });
    expect(verdictOf('policy: { fail_on: [] }', [sonarRun({ status: 'WARN' })]).warnings[0]!.code).toBe('quality-gate-warning');
  });
});
