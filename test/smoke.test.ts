import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { sarifProblems } from './helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reports');

describe('secgate check on the quick-start fixtures', () => {
  it('fails on the critical and high findings, merges the shared CVEs, writes a valid log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-'));
    const out = join(dir, 'secgate.sarif');
    const r = await runCli(['check', join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json'), join(FIXTURES, 'semgrep.sarif'), '--sarif', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL');
    // 8 findings, two of them the same issue seen by Grype and Trivy (zlib CVE; lodash GHSA = CVE).
    expect(r.stdout).toMatch(/6 distinct issues from 8 findings/);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs.map((run: { tool: { driver: { name: string } } }) => run.tool.driver.name)).toEqual(['Semgrep OSS', 'grype', 'trivy']);
  });

  it('exits 2 with one line and writes nothing when a report is unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-'));
    const out = join(dir, 'secgate.sarif');
    const r = await runCli(['check', join(FIXTURES, 'grype.json'), join(dir, 'missing.json'), '--sarif', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.json: no such file');
    expect(existsSync(out)).toBe(false);
  });
});
