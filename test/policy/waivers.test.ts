import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gate } from '../../src/pipeline.js';
import { ConfigError } from '../../src/errors.js';
import { parseTrivyIgnore } from '../../src/policy/ignore-files/trivyignore.js';
import { parseTrivyIgnoreYaml } from '../../src/policy/ignore-files/trivyignore-yaml.js';
import { parseGrypeIgnore } from '../../src/policy/ignore-files/grype-yaml.js';
import { parseZapRules } from '../../src/policy/ignore-files/zap-rules.js';
import type { Waiver } from '../../src/policy/waivers.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusPath } from '../helpers/corpus.js';
import { config, dastRun, NOW, vulnRun } from './build.js';

const log4j = () =>
  vulnRun('grype', 'sca', [
    { id: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'], pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical', fixed: ['2.15.0'] },
    { id: 'CVE-2022-0001', pkg: 'lodash', version: '4.17.20', severity: 'high' },
  ]);

const run = (yaml: string, runs = [log4j()], extra: Waiver[] = [], now = NOW) => gate({ runs, config: config(yaml), now, ignoreFileWaivers: extra });

describe('waivers from secgate.yml', () => {
  const waiver = (expires: string, more = '') => `waivers:\n  - { id: CVE-2021-44228, package: "pkg:maven/org.apache.logging.log4j/*", reason: "not reachable: JNDI lookups disabled", expires: ${expires}, owner: appsec, ticket: SEC-42${more} }\n`;

  it('an active waiver suppresses the finding, which keeps its place with an accepted external suppression', () => {
    const { log, verdict } = run(`policy: { fail_on: [ { severity: critical } ] }\n${waiver('2027-01-31')}`);
    expect(verdict.status).toBe('pass');
    const r = log.runs[0]!.results!.find((x) => x.ruleId === 'CVE-2021-44228')!;
    expect(r.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'not reachable: JNDI lookups disabled', properties: { source: 'secgate-waiver', origin: 'secgate.yml waivers[0]', owner: 'appsec', ticket: 'SEC-42', expires: '2027-01-31' } },
    ]);
    expect(verdict.waivers).toMatchObject([{ state: 'active', matched: 1 }]);
  });

  it('holds through its expiry day (UTC) and stops the day after, reported as expired', () => {
    const y = `policy: { fail_on: [ { severity: critical } ] }\n${waiver('2026-11-23')}`;
    expect(run(y).verdict.status).toBe('pass');
    const after = run(y, [log4j()], [], new Date('2026-11-24T00:00:00Z'));
    expect(after.verdict.status).toBe('fail');
    expect(after.log.runs[0]!.results!.every((r) => !r.suppressions)).toBe(true);
    expect(after.verdict.warnings.find((w) => w.code === 'waiver-expired')?.message).toContain('expired on 2026-11-23');
  });

  it('warns when a waiver expires within waiver_warn_days (default 14)', () => {
    const v = run(`policy: { fail_on: [ { severity: critical } ] }\n${waiver('2026-12-01')}`).verdict;
    expect(v.status).toBe('pass');
    expect(v.warnings.map((w) => w.code)).toEqual(['waiver-expiring']);
    const quiet = run(`policy: { fail_on: [ { severity: critical } ], waiver_warn_days: 3 }\n${waiver('2026-12-01')}`).verdict;
    expect(quiet.warnings).toEqual([]);
  });

  it('reports a waiver that matched nothing as stale', () => {
    const v = run(`waivers:\n  - { id: CVE-1999-0001, reason: gone, expires: 2027-01-01 }\n`).verdict;
    expect(v.waivers![0]!.state).toBe('stale');
    expect(v.warnings.find((w) => w.code === 'waiver-stale')?.message).toContain('matched nothing');
  });

  it('refuses a waiver beyond waiver_max_days (exit 2, naming the waiver)', () => {
    expect(() => run(`policy: { waiver_max_days: 30 }\n${waiver('2027-06-01')}`)).toThrow(ConfigError);
    expect(() => run(`policy: { waiver_max_days: 30 }\n${waiver('2027-06-01')}`)).toThrow(/secgate.yml waivers\[0\]: expires 2027-06-01, more than waiver_max_days \(30\)/);
  });

  it('refuses an impossible date (no silent roll-over to March), and matches ids case-insensitively', () => {
    expect(() => run(waiver('2027-02-30'))).toThrow(/waivers\[0\].expires: "2027-02-30" is not a date/);
    expect(parseTrivyIgnore('CVE-1 exp:2027-02-30\n').problems).toHaveLength(1);
    const v = run('waivers:\n  - { id: cve-2021-44228, reason: r, expires: 2027-01-01 }\n').verdict;
    expect(v.waivers![0]!.matched).toBe(1);
  });

  it('scopes by package version range: outside the range it does not apply', () => {
    expect(run(`${waiver('2027-01-31', ', version: "<2.15.0"')}`).verdict.waivers![0]!.matched).toBe(1);
    expect(run(`${waiver('2027-01-31', ', version: ">=2.15.0"')}`).verdict.waivers![0]!.state).toBe('stale');
  });

  it('matches the CVE through an alias, and a different package with the same CVE is not waived', () => {
    const other = vulnRun('trivy', 'sca', [{ id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], pkg: 'log4j-api', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical' }, { id: 'CVE-2021-44228', pkg: 'shaded-log4j', namespace: 'com.example', type: 'maven', version: '1', severity: 'critical' }]);
    const { log, verdict } = run(`policy: { fail_on: [ { severity: critical } ] }\n${waiver('2027-01-31')}`, [log4j(), other]);
    expect(verdict.reasons[0]!.count).toBe(1);
    expect(verdict.reasons[0]!.findings![0]!.package).toBe('com.example/shaded-log4j@1');
    expect(log.runs.find((r) => r.tool.driver.name === 'trivy')!.results![0]!.suppressions).toHaveLength(1);
  });

  it('the documented ZAP form: rule + tool + URL glob', () => {
    const zap = dastRun([
      { rule: '10038', url: 'https://staging.example.com/static/app.js', severity: 'medium' },
      { rule: '10038', url: 'https://staging.example.com/api/users', severity: 'medium' },
    ]);
    const v = run('policy: { fail_on: [ { severity: medium } ] }\nwaivers:\n  - { rule: "10038", tool: zap, url: "https://staging.example.com/static/*", reason: "static assets: no CSP needed", expires: 2026-12-31 }\n', [zap]).verdict;
    expect(v.reasons[0]).toMatchObject({ count: 1, findings: [{ location: 'https://staging.example.com/api/users' }] });
  });
});

describe("the scanners' ignore files", () => {
  it('.trivyignore: ids, exp: dates (Trivy drops an entry once its date begins), comments', () => {
    const { waivers, problems } = parseTrivyIgnore('# comment\nCVE-2022-0001\nCVE-2021-44228 exp:2026-11-23\n\nCVE-2030-1 exp:tomorrow\n');
    expect(problems).toEqual(['.trivyignore:5: "exp:tomorrow" is not a YYYY-MM-DD date (Trivy skips this line too)']);
    expect(waivers.map((w) => [w.origin, w.expires])).toEqual([['.trivyignore:2', undefined], ['.trivyignore:3', '2026-11-23']]);
    const { verdict } = run('policy: { fail_on: [ { severity: high } ] }', [log4j()], waivers);
    // exp:2026-11-23 has begun at NOW (12:00 that day): expired, as Trivy would treat it.
    expect(verdict.reasons[0]!.findings!.map((f) => f.ruleId)).toEqual(['CVE-2021-44228']);
    expect(verdict.waivers!.map((w) => w.state)).toEqual(['no-expiry', 'expired']);
  });

  it('stale ignore-file entries are one warning per file, not one per entry', () => {
    const { waivers } = parseTrivyIgnore('CVE-2030-1\nCVE-2030-2\nDS002\n');
    const v = run('', [log4j()], waivers).verdict;
    expect(v.waivers!.map((w) => w.state)).toEqual(['stale', 'stale', 'stale']);
    expect(v.warnings.filter((w) => w.code === 'waiver-stale').map((w) => w.message)).toEqual(['3 entries of .trivyignore matched nothing (listed by `secgate explain`)']);
  });

  it.skipIf(!HAVE_CORPUS)(`Trivy's own .trivyignore test file (corpus) ${HAVE_CORPUS ? '' : NO_CORPUS_REASON}`, () => {
    const { waivers, problems } = parseTrivyIgnore(readFileSync(corpusPath('trivy/trivy-ignore/.trivyignore'), 'utf8'));
    expect(problems).toEqual([]);
    expect(waivers.map((w) => w.ids![0])).toEqual(['CVE-2019-0001', 'CVE-2019-0002', 'CVE-2019-0004', 'CVE-2019-0005', 'CVE-2019-0006', 'ID300', 'AVD-ID400', 'generic-unwanted-rule', 'GPL-3.0']);
    expect(waivers.find((w) => w.ids![0] === 'CVE-2019-0006')!.expires).toBe('9999-01-01');
  });

  it.skipIf(!HAVE_CORPUS)(`Trivy's own .trivyignore.yaml test file (corpus): sections, paths, purls, expired_at`, () => {
    const { waivers, problems } = parseTrivyIgnoreYaml(readFileSync(corpusPath('trivy/trivy-ignore/.trivyignore.yaml'), 'utf8'));
    expect(problems).toEqual([]);
    const byId = (id: string) => waivers.find((w) => w.ids![0] === id)!;
    expect(byId('CVE-2019-0001').paths).toEqual(['**/*-lock.json']);
    expect(byId('CVE-2019-0006').expires).toBe('2020-01-01');
    expect(byId('ID200').kinds).toEqual(['iac']);
    // a versioned purl pins the version; a versionless one covers every version
    const pk = byId('CVE-2019-0007').packages!;
    const { verdict } = run('policy: { fail_on: [ { severity: low } ] }', [vulnRun('trivy', 'sca', [
      { id: 'CVE-2019-0007', pkg: 'bar', namespace: 'github.com/aquasecurity', type: 'golang', version: '1.2.3', severity: 'high' },
      { id: 'CVE-2019-0007', pkg: 'aaa', namespace: 'github.com/aquasecurity', type: 'golang', version: '1.0.0', severity: 'high' },
    ])], [{ ...byId('CVE-2019-0007'), packages: pk }]);
    expect(verdict.reasons[0]!.findings!.map((f) => f.package)).toEqual(['github.com/aquasecurity/aaa@1.0.0']);
  });

  it.skipIf(!HAVE_CORPUS)("Grype's config with an ignore rule (corpus): honoured, with no expiry", () => {
    const { waivers } = parseGrypeIgnore(readFileSync(corpusPath('grype/grype-config/config-with-ignore.yaml'), 'utf8'));
    expect(waivers).toMatchObject([{ ids: ['CVE-2021-42385'], reason: 'test reason for vulnerability being ignored', source: 'grype' }]);
    expect(waivers[0]!.expiresAt).toBeUndefined();
  });

  it('.grype.yaml: the vulnerability id is the match\'s own unless include-aliases: true', () => {
    const ghsa = vulnRun('grype', 'sca', [{ id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical' }]);
    const plain = parseGrypeIgnore('ignore:\n  - vulnerability: CVE-2021-44228\n').waivers;
    const aliased = parseGrypeIgnore('ignore:\n  - vulnerability: CVE-2021-44228\n    include-aliases: true\n').waivers;
    expect(run('', [ghsa], plain).verdict.status).toBe('fail');
    expect(run('', [ghsa], aliased).verdict.status).toBe('pass');
  });

  it('.grype.yaml: a rule narrowed by keys secgate cannot check is not applied (it would ignore more than Grype)', () => {
    const r = parseGrypeIgnore('ignore:\n  - vulnerability: CVE-2022-0001\n    match-type: exact-indirect-match\n  - package: { name: lodash, type: npm, upstream-name: x }\n  - package: { name: lodash, type: npm }\n');
    expect(r.problems).toEqual([
      '.grype.yaml ignore[0]: uses match-type, which secgate cannot check on merged results; rule not applied',
      '.grype.yaml ignore[1]: uses package.upstream-name, which secgate cannot check on merged results; rule not applied',
    ]);
    expect(r.waivers).toMatchObject([{ packageNames: ['lodash'], ecosystems: ['npm'] }]);
    expect(run('', [log4j()], r.waivers).verdict.waivers![0]!.matched).toBe(1);
    expect(run('', [log4j()], parseGrypeIgnore('ignore:\n  - package: { name: lodash, type: apk }\n').waivers).verdict.waivers![0]!.state).toBe('stale');
  });

  it('.grype.yaml: package name + version + fix-state must all match', () => {
    const { waivers } = parseGrypeIgnore('ignore:\n  - vulnerability: CVE-2022-0001\n    fix-state: not-fixed\n    package: { name: lodash, version: 4.17.20 }\n  - fix-state: wont-fix\n  - vex-status: not_affected\n');
    expect(waivers).toHaveLength(2);
    const { verdict } = run('policy: { fail_on: [ { severity: high } ] }', [log4j()], waivers);
    expect(verdict.waivers!.map((w) => [w.state, w.matched])).toEqual([['no-expiry', 1], ['stale', 0]]);
  });

  it.skipIf(!HAVE_CORPUS)('ZAP rules TSV (corpus baseline3.conf): IGNORE and OUTOFSCOPE are waivers, FAIL/INFO are not', () => {
    const { waivers, problems } = parseZapRules(readFileSync(corpusPath('zap/zaproxy-docker-tests/baseline3.conf'), 'utf8'), 'baseline3.conf');
    expect(problems).toEqual([]);
    expect(waivers.map((w) => w.origin)).toEqual(['baseline3.conf:3', 'baseline3.conf:4', 'baseline3.conf:5']);
    const zap = dastRun([
      { rule: '10049', url: 'https://app.example.com/', severity: 'low' },
      { rule: '10021', url: 'https://app.example.com/robots.txt', severity: 'low' },
      { rule: '10021', url: 'https://app.example.com/', severity: 'low' },
      { rule: '10020', url: 'https://www.zaproxy.com/x', severity: 'medium' },
    ]);
    const { verdict } = run('policy: { fail_on: [ { severity: low } ] }', [zap], waivers);
    expect(verdict.reasons[0]!.count).toBe(1);
    expect(verdict.reasons[0]!.findings![0]).toMatchObject({ ruleId: '10021', location: 'https://app.example.com/' });
  });
});
