import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';

/** GitHub's upload rules as Microsoft's SARIF multitool checks them (npm @microsoft/sarif-multitool). */
export const MULTITOOL = join(import.meta.dirname, '..', '..', 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
export const HAVE_MULTITOOL = existsSync(MULTITOOL);

/**
 * `sarif-multitool validate --rule-kind "Sarif;Gh"` over one log: every GitHub-rule (GH…)
 * finding at any level and every error-level schema finding, one line each (empty = accepted).
 * The multitool exits 0 whatever it finds: its own output is the verdict.
 */
export function githubRuleProblems(log: Log): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-rules-'));
  try {
    const input = join(dir, 'input.sarif');
    const report = join(dir, 'validation.sarif');
    writeFileSync(input, JSON.stringify(log, null, 2));
    const args = ['validate', '--rule-kind', 'Sarif;Gh', '-o', report, input];
    try {
      // The multitool resolves the hosts of URIs it reads; in a private network namespace the
      // lookups fail at once instead of waiting for a DNS timeout each.
      execFileSync('unshare', ['-n', MULTITOOL, ...args], { stdio: 'pipe', timeout: 60_000 });
    } catch {
      rmSync(report, { force: true });
      execFileSync(MULTITOOL, args, { stdio: 'pipe', timeout: 120_000 });
    }
    const findings = (JSON.parse(readFileSync(report, 'utf8')) as Log).runs.flatMap((r) => r.results ?? []);
    return findings
      .filter((r) => r.level === 'error' || r.ruleId?.startsWith('GH'))
      .map((r) => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
