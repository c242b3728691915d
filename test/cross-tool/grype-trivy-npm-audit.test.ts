import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { runCli } from '../helpers/cli.js';
import { sarifProblems } from '../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'cross-tool');
const dir = mkdtempSync(join(tmpdir(), 'secgate-cross-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One app (image example/shop-web:2.0.0, alpine 3.16 + a Node app) scanned three ways:
 *  - grype:     zlib CVE-2022-37434, lodash GHSA-35jh-r3h4-6jhm (related CVE-2021-23337), minimist GHSA-xvch-5gv4-984h (CVE-2021-44906)
 *  - trivy:     the same zlib, lodash and minimist under their CVE ids (GHSA in the references), plus semver CVE-2022-25883
 *  - npm audit: lodash, minimist and semver by GHSA only and without installed versions (report v2); mkdirp only "via minimist"
 * 10 findings, 4 real issues: zlib (grype+trivy), lodash (all three), minimist (all three), semver (trivy+npm audit).
 */
describe('Grype + Trivy + npm audit on the same app', () => {
  const sarif = join(dir, 'secgate.sarif');
  const args = ['check', join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json'), join(FIXTURES, 'npm-audit.json'), '--sarif', sarif];

  it('counts each shared vulnerability once in the distinct count of the table', async () => {
    const r = await runCli(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/4 distinct issues from 10 findings/);
    expect(r.stdout).toMatch(/4 seen by more than one tool/);
    // npm audit: minimist critical, lodash high, semver moderate (medium)
    expect(r.stdout).toMatch(/^npm audit\s+1\s+1\s+1\s+0\s+0\s+0\s*$/m);
    // critical: zlib, minimist; high: lodash; medium: semver
    expect(r.stdout).toMatch(/^distinct\s+2\s+1\s+1\s+0\s+0\s*$/m);
    expect(r.code).toBe(1);
  });

  it('puts the sightings of one issue in one correlation class and records which tools found it', async () => {
    await runCli(args);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as Log;
    expect(sarifProblems(log)).toEqual([]);
    const byClass = new Map<string, Set<string>>();
    const names = new Map<string, string>();
    for (const run of log.runs) {
      for (const res of run.results ?? []) {
        const g = res.correlationGuid!;
        (byClass.get(g) ?? byClass.set(g, new Set()).get(g)!).add(run.tool.driver.name);
        names.set(g, String(res.properties?.['packageName']));
      }
    }
    const found = Object.fromEntries([...byClass].map(([g, tools]) => [names.get(g)!, [...tools].sort()]));
    expect(found).toEqual({
      zlib: ['grype', 'trivy'],
      lodash: ['grype', 'npm audit', 'trivy'],
      minimist: ['grype', 'npm audit', 'trivy'],
      semver: ['npm audit', 'trivy'],
    });
  });

  it('does not merge different packages or different advisories on one package', async () => {
    await runCli(args);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as Log;
    const guids = log.runs.flatMap((run) => (run.results ?? []).map((r) => `${r.properties?.['packageName']}=${r.correlationGuid}`));
    const perPackage = new Map<string, Set<string>>();
    for (const s of guids) {
      const [pkg, g] = s.split('=') as [string, string];
      (perPackage.get(pkg) ?? perPackage.set(pkg, new Set()).get(pkg)!).add(g);
    }
    // one class per package, and no class shared by two packages
    for (const set of perPackage.values()) expect(set.size).toBe(1);
    expect(new Set([...perPackage.values()].map((s) => [...s][0])).size).toBe(perPackage.size);
  });
});
