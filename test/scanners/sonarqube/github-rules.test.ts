import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log, Run } from 'sarif';
import { defaultConfig } from '../../../src/config/load.js';
import { parseReport } from '../../../src/io/read-report.js';
import { gate } from '../../../src/pipeline.js';
import { fitGithubLimits } from '../../../src/sarif/github-limits.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';
import { HAVE_MULTITOOL, githubRuleProblems } from '../../helpers/github-rules.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');

/** Every SonarQube and npm audit report (corpus and fixtures), merged into one log. */
function inputs(): string[] {
  const sonar = corpusFiles('sonarqube', (n) => n.endsWith('.json')).filter(([rel]) => !/rule\.json$|task-example\.json$|mitre\/SonarQube\.json$/.test(rel));
  const npm = corpusFiles('npm_audit', (n) => n.endsWith('.json'));
  const own = ['sonarqube-issues-9.9.json', 'sonarqube-issues-2025.json', 'sonarqube-combined.json', 'npm-audit-v1.json', 'npm-audit-v2-npm7.json'].map((f) => join(FIXTURES, f));
  return [...sonar.map(([, p]) => p), ...npm.map(([, p]) => p), ...own];
}

describe.skipIf(!HAVE_CORPUS || !HAVE_MULTITOOL)(
  `GitHub's upload rules on SonarQube and npm audit output${HAVE_CORPUS ? (HAVE_MULTITOOL ? '' : ' (skipped: sarif-multitool not installed)') : ` (skipped: ${NO_CORPUS_REASON})`}`,
  () => {
    it('sarif-multitool validate --rule-kind "Sarif;Gh": no GitHub-rule (GH…) finding at any level, no schema error', () => {
      const runs: Run[] = [];
      for (const path of inputs()) runs.push(...parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' }).runs);
      const { log } = gate({ runs, config: defaultConfig(), now: new Date('2026-11-23T12:00:00Z') });
      const out: Log = fitGithubLimits(log);
      expect(sarifProblems(out)).toEqual([]);
      expect(githubRuleProblems(out)).toEqual([]);
    });
  },
);
