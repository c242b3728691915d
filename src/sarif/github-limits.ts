import type { Log, Run } from 'sarif';
import { OutputError } from '../errors.js';

/** GitHub code scanning's upload limits (docs: "SARIF support for code scanning"). */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20 } as const;

/**
 * Make a log GitHub will ingest whole: a run over 25,000 results is split into parts, each
 * its own category (`…-part2/`); more than 20 runs cannot be split further and is an error
 * that says what to do. Pure: returns a new log, the input is untouched.
 */
export function fitGithubLimits(log: Log): Log {
  const runs: Run[] = [];
  for (const run of log.runs) {
    const results = run.results ?? [];
    if (results.length <= GITHUB_LIMITS.resultsPerRun) {
      runs.push(run);
      continue;
    }
    const base = (run.automationDetails?.id ?? run.tool.driver.name).replace(/\/$/, '');
    for (let i = 0, part = 1; i < results.length; i += GITHUB_LIMITS.resultsPerRun, part++) {
      runs.push({
        ...run,
        automationDetails: { ...(run.automationDetails ?? {}), id: `${base}-part${part}/` },
        results: results.slice(i, i + GITHUB_LIMITS.resultsPerRun),
      });
    }
  }
  if (runs.length > GITHUB_LIMITS.runsPerFile) {
    throw new OutputError(
      `the SARIF log would hold ${runs.length} runs; GitHub code scanning accepts at most ${GITHUB_LIMITS.runsPerFile} per upload`,
      'upload the reports in several steps (one category each), or pass fewer reports to this gate',
    );
  }
  return { ...log, runs };
}
