import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// A scanner that completed but says it could not scan everything (SARIF toolExecutionNotifications of
// level error or warning — warning when no level is given): the verdict stands, and says so.
const sarif = (notifications: unknown[]) =>
  JSON.stringify({
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'CodeQL', rules: [{ id: 'js/xss' }] } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: [{ ruleId: 'js/xss', level: 'note', message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/b.js' }, region: { startLine: 3 } } }] }],
      },
    ],
  });

async function check(notifications: unknown[], ...args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'secgate-notes-'));
  writeFileSync(join(cwd, 'codeql.sarif'), sarif(notifications));
  return runCli(['check', 'codeql.sarif', ...args], { cwd, env: { NO_COLOR: '1' } });
}

describe('check: what a completed scanner reported going wrong', () => {
  it('is a verdict warning: how many errors and warnings, the first one, escaped for the terminal', async () => {
    const notes = [
      { level: 'error', message: { text: 'Could not process some files due to syntax errors: src/a.js\u001b[31m' } },
      { message: { text: '2 files were skipped' } },
      { level: 'note', message: { text: 'Extracted 120 files' } },
    ];
    const r = await check(notes);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS — the policy holds (1 warning)');
    expect(r.stdout).toContain("! CodeQL completed with 1 error and 1 warning: Could not process some files due to syntax errors: src/a.js\\e[31m (and 1 more in the SARIF log's invocations)");
    expect(r.stdout).not.toContain('\u001b[31m');
    const json = await check(notes, '--json');
    const verdict = JSON.parse(json.stdout) as { status: string; warnings: { code: string }[] };
    expect(verdict.status).toBe('pass');
    expect(verdict.warnings.map((w) => w.code)).toEqual(['scanner-notes']);
  });

  it('says nothing for notes (level note) alone, and never changes the exit code', async () => {
    const r = await check([{ level: 'note', message: { text: 'Extracted 120 files' } }], '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
    const warned = await check([{ level: 'warning', message: { text: 'w' } }]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('! CodeQL completed with 1 warning: w\n');
  });
});
