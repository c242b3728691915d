import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log, Run } from 'sarif';
import { defaultConfig } from '../../../src/config/load.js';
import { parseReport } from '../../../src/io/read-report.js';
import { gate } from '../../../src/pipeline.js';
import { fitGithubLimits } from '../../../src/sarif/github-limits.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const MULTITOOL = join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const FIXTURES = join(ROOT, 'fixtures', 'reports');

/** Every SonarQube and npm audit report (corpus and fixtures), merged into one log. */
function inputs(): string[] {
  const sonar = corpusFiles('sonarqube', (n) => n.endsWith('.json')).filter(([rel]) => !/rule\.json$|task-example\.json$|mitre\/SonarQube\.json$/.test(rel));
  const npm = corpusFiles('npm_audit', (n) => n.endsWith('.json'));
  const own = ['sonarqube-issues-9.9.json', 'sonarqube-issues-2025.json', 'sonarqube-combined.json', 'npm-audit-v1.json', 'npm-audit-v2-npm7.json'].map((f) => join(FIXTURES, f));
  return [...sonar.map(([, p]) => p), ...npm.map(([, p]) => p), ...own];
}

describe.skipIf(!HAVE_CORPUS || !existsSync(MULTITOOL))(
  `GitHub's upload rules on SonarQube and npm audit output${HAVE_CORPUS ? (existsSync(MULTITOOL) ? '' : ' (skipped: sarif-multitool not installed)') : ` (skipped: ${NO_CORPUS_REASON})`}`,
  () => {
    it('sarif-multitool validate --rule-kind "Sarif;Gh": no GitHub-rule (GH…) finding at any level, no schema error', () => {
      const runs: Run[] = [];
      for (const path of inputs()) runs.push(...parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' }).runs);
      const { log } = gate({ runs, config: defaultConfig(), now: new Date('2026-11-23T12:00:00Z') });
      const out: Log = fitGithubLimits(log);
      expect(sarifProblems(out)).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'secgate-sonar-gh-'));
      try {
        const input = join(dir, 'merged.sarif');
        const report = join(dir, 'validation.sarif');
        writeFileSync(input, JSON.stringify(out, null, 2));
        const args = ['validate', '--rule-kind', 'Sarif;Gh', '-o', report, input];
        try {
          // Host lookups of URIs fail at once in a private network namespace instead of timing out.
          execFileSync('unshare', ['-n', MULTITOOL, ...args], { stdio: 'pipe', timeout: 60_000 });
        } catch {
          rmSync(report, { force: true });
          execFileSync(MULTITOOL, args, { stdio: 'pipe', timeout: 120_000 });
        }
        // It exits 0 whatever it finds: its own results are the verdict.
        const findings = JSON.parse(readFileSync(report, 'utf8')) as Log;
        const errors = findings.runs.flatMap((r) => r.results ?? []).filter((r) => r.level === 'error' || r.ruleId?.startsWith('GH'));
        expect(errors.map((r) => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
