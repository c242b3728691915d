import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// A --baseline above SECGATE_STREAM_ABOVE (default 32 MiB) is streamed: its results are walked from
// the file, never held. That it decides as a whole read does is spooled-check.test.ts's streamed
// mode; here, that a damaged big baseline is one line and exit 2, as any unreadable report.
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const GRYPE = join(FIXTURES, 'grype.json');
const STREAMED = { NO_COLOR: '1', SECGATE_STREAM_ABOVE: '0' };

describe('check --baseline, streamed', () => {
  let cwd = '';
  let base = '';
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'secgate-baseline-'));
    const r = await runCli(['baseline', GRYPE, '-o', 'base.sarif', '--sarif-layout', 'lines'], { cwd, env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    base = readFileSync(join(cwd, 'base.sarif'), 'utf8');
  });

  it('matches every finding of the same report: nothing new, nothing fixed', async () => {
    const r = await runCli(['check', GRYPE, '--baseline', 'base.sarif', '--json'], { cwd, env: STREAMED });
    const verdict = JSON.parse(r.stdout) as { baseline?: { counts: Record<string, number> } };
    expect(verdict.baseline?.counts).toMatchObject({ new: 0, updated: 0, absent: 0 });
    expect(verdict.baseline!.counts['unchanged']).toBeGreaterThan(0);
  });

  const damaged: [string, (text: string) => string, RegExp][] = [
    ['cut short inside the results', (t) => t.slice(0, Math.floor(t.indexOf('"results"') + (t.length - t.indexOf('"results"')) / 2)), /base-bad\.sarif \(byte \d+\): is truncated.*— the baseline file is cut short/],
    ['a broken result', (t) => t.replace(/\n\s*\{"ruleId"/, '\n{"ruleId" 1,'), /base-bad\.sarif \(byte \d+\): is not valid JSON/],
    ['not SARIF 2.1.0', (t) => t.replace('"2.1.0"', '"2.0.0"'), /base-bad\.sarif: not a SARIF 2\.1\.0 log — pass a log written by `secgate check` or `secgate baseline`/],
    ['a run without a tool name', (t) => t.replace(/"driver": \{\s*"name": "[^"]*"/, '"driver": {"name": 7'), /base-bad\.sarif: runs\[0\] has no tool\.driver\.name/],
  ];
  for (const [what, damage, line] of damaged) {
    it(`${what}: exit 2 with one line naming the file`, async () => {
      const bad = damage(base);
      expect(bad).not.toBe(base);
      writeFileSync(join(cwd, 'base-bad.sarif'), bad);
      const r = await runCli(['check', GRYPE, '--baseline', 'base-bad.sarif', '-q'], { cwd, env: STREAMED });
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^secgate: error: /);
      expect(lines[0]).toMatch(line);
    });
  }
});
