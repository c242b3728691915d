import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log, Run } from 'sarif';
import { parseReport } from '../../src/io/read-report.js';
import { gate } from '../../src/pipeline.js';
import { defaultConfig } from '../../src/config/load.js';
import { fitGithubLimits } from '../../src/sarif/github-limits.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../helpers/corpus.js';
import { sarifProblems } from '../helpers/sarif-schema.js';

const FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const FIXTURES = ['grype.json', 'trivy.json', 'semgrep.sarif', ...readdirSync(join(FIXTURE_DIR, 'variants')).filter((f) => !f.endsWith('.md')).map((f) => `variants/${f}`)];
const MULTITOOL = join(import.meta.dirname, '..', '..', 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

/** Every Grype, Trivy and SARIF report of the corpus (not config files, not the SBOM, not the ASFF sample). */
function inputs(): string[] {
  const grype = corpusFiles('grype', (n) => n.endsWith('.json') || n.endsWith('.golden')).filter(([rel]) => !rel.includes('sbom-input'));
  const trivy = corpusFiles('trivy', (n) => n.endsWith('.json') || n.endsWith('.golden')).filter(([rel]) => !rel.startsWith('trivy/mitre/'));
  const sarif = corpusFiles('sarif');
  return [...grype, ...trivy, ...sarif].map(([, p]) => p);
}

describe.skipIf(!HAVE_CORPUS || !existsSync(MULTITOOL))(
  `GitHub's upload rules on one merged log of the whole corpus${HAVE_CORPUS ? (existsSync(MULTITOOL) ? '' : ' (skipped: sarif-multitool not installed)') : ` (skipped: ${NO_CORPUS_REASON})`}`,
  () => {
    it('sarif-multitool validate --rule-kind "Sarif;Gh" reports no GitHub-rule (GH…) error', () => {
      // Two logs (GitHub takes at most 20 runs per upload): the corpus, and secgate's own fixtures.
      const logs = [inputs(), FIXTURES.map((f) => join(FIXTURE_DIR, f))].map((paths) => {
        const runs: Run[] = [];
        for (const path of paths) runs.push(...parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' }).runs);
        const { log } = gate({ runs, config: defaultConfig(), now: new Date('2026-11-23T12:00:00Z') });
        const out: Log = fitGithubLimits(log);
        expect(sarifProblems(out)).toEqual([]);
        // GitHub: one run per tool + category.
        const keys = out.runs.map((r) => `${r.tool.driver.name}|${r.automationDetails?.id}`);
        expect(new Set(keys).size).toBe(keys.length);
        return out;
      });

      const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-'));
      try {
        const files = logs.map((log, i) => {
          const file = join(dir, `merged-${i}.sarif`);
          writeFileSync(file, JSON.stringify(log, null, 2));
          return file;
        });
        const report = join(dir, 'validation.sarif');
        rm(report);
        const args = ['validate', '--rule-kind', 'Sarif;Gh', '-o', report, ...files];
        try {
          // The multitool looks up the hosts of URIs it reads; without a network each lookup waits
          // for a DNS timeout (17 s instead of 2 s). In a private network namespace they fail at once.
          execFileSync('unshare', ['-n', MULTITOOL, ...args], { stdio: 'pipe', timeout: 60_000 });
        } catch {
          rm(report);
          execFileSync(MULTITOOL, args, { stdio: 'pipe', timeout: 120_000 });
        }
        const validation = JSON.parse(readFileSync(report, 'utf8')) as Log;
        const findings = validation.runs.flatMap((r) => r.results ?? []);
        // both logs were read (its warnings, e.g. SARIF2005 on tool versions, name each file)
        for (const f of files) expect(JSON.stringify(findings)).toContain(f.split('/').pop());
        // The multitool exits 0 even when rules fail: its own results are the verdict.
        const gh = findings.filter((r) => r.ruleId?.startsWith('GH') && (r.level ?? 'warning') === 'error');
        expect(gh.map((r) => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`)).toEqual([]);
        // SARIF1012 wants a message id in the rule's own messageStrings; SARIF §3.11.7 also allows the
        // driver's globalMessageStrings, which BinSkim-style logs use (the text is resolved either way).
        const schemaErrors = findings.filter((r) => r.level === 'error' && r.ruleId !== 'SARIF1012');
        expect(schemaErrors.map((r) => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

function rm(p: string): void {
  rmSync(p, { force: true });
}
