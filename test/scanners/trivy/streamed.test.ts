import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLargeJson } from '../../../src/io/json-large.js';
import { isLazyArray } from '../../../src/scanners/lazy-array.js';
import { runCli } from '../../helpers/cli.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';

// Trivy JSON past SECGATE_STREAM_ABOVE is streamed (src/io/json-large.ts): `Results` element by
// element, a big Result member by member, its finding lists element by element. Forced here with
// SECGATE_STREAM_ABOVE=0 on small reports: the log must be the same bytes as the one read whole.
const REPORTS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');
const FIXTURES = ['trivy.json', 'variants/trivy-fs-no-schema.json', 'variants/trivy-k8s-all.json', 'variants/trivy-k8s-summary.json', 'variants/trivy-k8s-legacy.json'].map((f) => join(REPORTS, f));

const check = async (report: string, cwd: string, out: string, streamed: boolean) =>
  runCli(['check', report, '-q', '--sarif', out], { cwd, env: { NO_COLOR: '1', SECGATE_STREAM_ABOVE: streamed ? '0' : String(2 ** 40) } });

const both = async (report: string) => {
  const cwd = mkdtempSync(join(tmpdir(), 'secgate-trivy-stream-'));
  const whole = await check(report, cwd, 'whole.sarif', false);
  const streamed = await check(report, cwd, 'streamed.sarif', true);
  expect(streamed.code, report).toBe(whole.code);
  expect(streamed.stdout, report).toBe(whole.stdout);
  expect(streamed.stderr, report).toBe(whole.stderr);
  if (whole.code !== 2) expect(readFileSync(join(cwd, 'streamed.sarif'), 'utf8'), report).toBe(readFileSync(join(cwd, 'whole.sarif'), 'utf8'));
};

/** One Result with every finding list Trivy writes, each over the inline limit when the limit is 0. */
function everyList(vulns = 40): Record<string, unknown> {
  const vuln = (i: number) => ({ VulnerabilityID: `CVE-2024-${1000 + i}`, PkgName: `pkg-${i % 3}`, InstalledVersion: '1.0', FixedVersion: i % 2 ? '1.1' : '', Severity: ['LOW', 'HIGH', 'CRITICAL'][i % 3], Title: `t "${i}" é}]`, CVSS: { nvd: { V3Score: 7.5, V3Vector: 'CVSS:3.1/AV:N' }, ghsa: { V3Score: 5 } } });
  return {
    SchemaVersion: 2,
    ArtifactName: 'example/app:1',
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'alpine' }, RepoTags: ['example/app:1'] },
    Results: [
      {
        Target: 'example/app:1 (alpine 3.19)',
        Class: 'os-pkgs',
        Type: 'alpine',
        Packages: [{ Name: 'zlib' }],
        Vulnerabilities: Array.from({ length: vulns }, (_, i) => vuln(i)),
        Misconfigurations: [
          { ID: 'DS001', Title: 'root', Severity: 'HIGH', Status: 'FAIL', CauseMetadata: { StartLine: 1, EndLine: 2 } },
          { ID: 'DS002', Title: 'ok', Severity: 'LOW', Status: 'PASS' },
          { ID: 'DS003', Title: 'excepted', Severity: 'MEDIUM', Status: 'EXCEPTION' },
        ],
        Secrets: [{ RuleID: 'aws-access-key-id', Title: 'AWS', Category: 'AWS', Severity: 'CRITICAL', StartLine: 3, EndLine: 3, Match: 'AKIA****' }],
        Licenses: [{ Name: 'GPL-3.0', PkgName: 'pkg-1', Category: 'restricted', Severity: 'HIGH' }],
        ExperimentalModifiedFindings: [{ Type: 'vulnerability', Status: 'not_affected', Statement: 'vex', Source: 'vex.json', Finding: vuln(99) }],
      },
      { Target: 'Dockerfile', Class: 'config', Type: 'dockerfile', Vulnerabilities: null, Misconfigurations: [] },
      { Target: 'empty', Class: 'lang-pkgs', Type: 'npm' },
    ],
  };
}

describe('secgate check: a streamed Trivy report gives the same log as one read whole', () => {
  it('on the Trivy fixtures (image, fs without SchemaVersion, the three k8s layouts)', async () => {
    for (const f of FIXTURES) await both(f);
  }, 60_000);

  it('on a Result with every finding list (vulnerabilities, misconfigurations, secrets, licences, modified findings), compact and indented', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-trivy-lists-'));
    writeFileSync(join(cwd, 'compact.json'), JSON.stringify(everyList()));
    writeFileSync(join(cwd, 'indented.json'), JSON.stringify(everyList(), null, 2));
    await both(join(cwd, 'compact.json'));
    await both(join(cwd, 'indented.json'));
  });

  it.skipIf(!HAVE_CORPUS)(`on every recorded Trivy report${HAVE_CORPUS ? '' : ` (${NO_CORPUS_REASON})`}`, async () => {
    const files = corpusFiles('trivy', (n) => n.endsWith('.json') || n.endsWith('.json.golden'));
    expect(files.length).toBeGreaterThan(0);
    for (const [, path] of files) await both(path);
  }, 120_000);

  it('is streamed indeed: a big Result is read member by member, its finding lists lazily', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-trivy-lazy-'));
    writeFileSync(join(cwd, 'r.json'), JSON.stringify(everyList()));
    const doc = readLargeJson(join(cwd, 'r.json'), { arrayInlineMax: 0, splitElementsOf: ['runs', 'Results'], chunkSize: 64 });
    expect(isLazyArray(doc['Results'])).toBe(true);
    const results = [...(doc['Results'] as Iterable<Record<string, unknown>>)];
    expect(results).toHaveLength(3);
    for (const k of ['Vulnerabilities', 'Misconfigurations', 'Secrets', 'Licenses', 'ExperimentalModifiedFindings']) expect(isLazyArray(results[0]![k]), k).toBe(true);
    // Members in the document's order, as JSON.parse gives them.
    expect(Object.keys(results[0]!)).toEqual(Object.keys((everyList()['Results'] as Record<string, unknown>[])[0]!));
    expect(results[1]!['Vulnerabilities']).toBeNull();
  });

  it('a vulnerability of the wrong shape is the same exit 2 and one line, at its own path, streamed or not', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-trivy-bad-'));
    const doc = everyList() as { Results: { Vulnerabilities: unknown[] }[] };
    doc.Results[0]!.Vulnerabilities[7] = { VulnerabilityID: 5, PkgName: 'x' };
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(doc));
    const whole = await check('bad.json', cwd, 'w.sarif', false);
    const streamed = await check('bad.json', cwd, 's.sarif', true);
    expect(whole.code).toBe(2);
    expect(streamed.code).toBe(2);
    expect(streamed.stderr.trim().split('\n')).toHaveLength(1);
    expect(streamed.stderr).toContain('$.Results[0].Vulnerabilities[7].VulnerabilityID');
    expect(streamed.stderr).toBe(whole.stderr);
  });

  // Damage that the first pass meets makes the reader fall back on reading the file whole (it fits
  // a string): that error names the line and column; damage met while the adapter iterates, the byte.
  it('a truncated or damaged streamed report is exit 2 with one line naming the file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-trivy-cut-'));
    // Past the first 64 KB batch of Vulnerabilities (the first pass parses that one, for detection).
    const text = JSON.stringify(everyList(800), null, 1);
    const at = text.indexOf('CVE-2024-1700');
    const damaged = {
      'cut.json': text.slice(0, Math.floor(text.length * 0.6)),
      // Deep inside the lazily read Vulnerabilities: found while the adapter iterates them.
      'broken.json': `${text.slice(0, at)}CVE-2024-1700",,${text.slice(at + 'CVE-2024-1700",'.length)}`,
      'unclosed.json': text.replace('"Secrets": [', '"Secrets": [[{'),
    };
    for (const [name, body] of Object.entries(damaged)) {
      expect(() => JSON.parse(body), name).toThrow();
      writeFileSync(join(cwd, name), body);
      const r = await check(name, cwd, 'o.sarif', true);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toContain(name);
      expect(r.stderr, name).toMatch(/truncated|not valid JSON/);
      if (name === 'broken.json') expect(r.stderr, name).toMatch(/\(byte \d+\)/);
    }
  });
});
