import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HAVE_CORPUS, corpusPath } from '../helpers/corpus.js';
import { sarifProblems } from '../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');

/** Each report checked in its own "shard", merged, checked again — vs one check of everything. */
async function shardedVersusSingle(reports: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-merge-'));
  const shards: string[] = [];
  for (const [i, r] of reports.entries()) {
    const out = join(dir, `shard-${i}.sarif`);
    const s = await runCli(['check', r, '--sarif', out, '--json']);
    expect([0, 1]).toContain(s.code);
    shards.push(out);
  }
  const merged = join(dir, 'all.sarif');
  const m = await runCli(['merge', ...shards, '-o', merged]);
  expect(m.code, m.stderr).toBe(0);
  expect(sarifProblems(JSON.parse(readFileSync(merged, 'utf8')))).toEqual([]);
  const viaMerge = await runCli(['check', merged, '--sarif', join(dir, 'final.sarif'), '--json']);
  const single = await runCli(['check', ...reports, '--sarif', join(dir, 'single.sarif'), '--json']);
  return { viaMerge, single, dir };
}

function comparable(stdout: string) {
  const v = JSON.parse(stdout) as Record<string, unknown>;
  delete v['sarif'];
  return v;
}

describe('secgate merge (sharded pipelines)', () => {
  it('merge then check gives the same verdict, reasons, findings and counts as one big run', async () => {
    const { viaMerge, single } = await shardedVersusSingle([join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json'), join(FIXTURES, 'semgrep.sarif')]);
    expect(single.code).toBe(1);
    expect(viaMerge.code).toBe(single.code);
    expect(comparable(viaMerge.stdout)).toEqual(comparable(single.stdout));
  });

  // Skipped with the helper's printed reason when ../shared/corpus is absent.
  it.skipIf(!HAVE_CORPUS)('the same on real Grype and Trivy outputs', async () => {
    const reports = [corpusPath('grype/defectdojo/fix_available.json'), corpusPath('grype/defectdojo/same_cve_different_paths.json'), corpusPath('trivy/trivy-integration/npm.json.golden'), corpusPath('trivy/trivy-integration/alpine-39.json.golden')];
    const { viaMerge, single } = await shardedVersusSingle(reports);
    expect(viaMerge.code).toBe(single.code);
    const a = comparable(viaMerge.stdout);
    const b = comparable(single.stdout);
    expect(a['status']).toBe(b['status']);
    expect((a['summary'] as { distinct: unknown }).distinct).toEqual((b['summary'] as { distinct: unknown }).distinct);
    expect(a['reasons']).toEqual(b['reasons']);
  });

  it('no run loses its identity: two shards of the same tool stay two runs with distinct categories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-merge-'));
    const a = join(dir, 'a.sarif');
    const b = join(dir, 'b.sarif');
    await runCli(['check', join(FIXTURES, 'grype.json'), '--sarif', a]);
    await runCli(['check', join(FIXTURES, 'grype.json'), '--sarif', b]);
    const out = join(dir, 'all.sarif');
    expect((await runCli(['merge', a, b, '-o', out])).code).toBe(0);
    const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { tool: { driver: { name: string } }; automationDetails: { id: string } }[]; properties?: unknown };
    const keys = log.runs.map((r) => `${r.tool.driver.name}/${r.automationDetails.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(log.properties).toBeUndefined(); // no verdict in a merged log: check decides
  });

  it('an unreadable shard: exit 2, one line naming it, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-merge-'));
    const out = join(dir, 'all.sarif');
    const r = await runCli(['merge', join(FIXTURES, 'grype.json'), join(dir, 'missing.sarif'), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.sarif: no such file');
    expect(existsSync(out)).toBe(false);
  });

  it('-o is required', async () => {
    const r = await runCli(['merge', join(FIXTURES, 'grype.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output/);
  });
});
