import type { Log, Run } from 'sarif';
import { OutputError } from '../errors.js';

/** GitHub code scanning's hard limits: over them the whole upload is rejected (docs: "SARIF results exceed one or more limits"). */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20 } as const;

/**
 * Make a log GitHub will ingest whole (its hard limits reject the whole upload): a run over
 * 25,000 results is split into parts, each its own category (`…-part2/`); a rule's tags are cut
 * to 20 and a result's locations to 1,000 (GitHub displays only 10 and 100 of them anyway); more
 * than 20 runs cannot be split further and is an error that says what to do. Pure: returns a new
 * log, the input is untouched.
 */
export function fitGithubLimits(log: Log): Log {
  const runs: Run[] = [];
  for (const original of log.runs) {
    const run = withinRuleAndLocationLimits(original);
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

function withinRuleAndLocationLimits(run: Run): Run {
  const tooManyTags = (run.tool.driver.rules ?? []).some((r) => (r.properties?.tags?.length ?? 0) > GITHUB_LIMITS.tagsPerRule);
  const tooManyLocations = (run.results ?? []).some((r) => (r.locations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult || (r.relatedLocations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult);
  if (!tooManyTags && !tooManyLocations) return run;
  return {
    ...run,
    tool: {
      ...run.tool,
      driver: {
        ...run.tool.driver,
        ...(run.tool.driver.rules
          ? { rules: run.tool.driver.rules.map((r) => ((r.properties?.tags?.length ?? 0) > GITHUB_LIMITS.tagsPerRule ? { ...r, properties: { ...r.properties, tags: r.properties!.tags!.slice(0, GITHUB_LIMITS.tagsPerRule) } } : r)) }
          : {}),
      },
    },
    ...(run.results
      ? {
          results: run.results.map((r) =>
            (r.locations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult || (r.relatedLocations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult
              ? {
                  ...r,
                  ...(r.locations ? { locations: r.locations.slice(0, GITHUB_LIMITS.locationsPerResult) } : {}),
                  ...(r.relatedLocations ? { relatedLocations: r.relatedLocations.slice(0, GITHUB_LIMITS.locationsPerResult) } : {}),
                }
              : r,
          ),
        }
      : {}),
  };
}
