import type { Log, Result, Run } from 'sarif';

/** GitHub code scanning's hard limits: over them the whole upload is rejected (docs: "SARIF results exceed one or more limits"). */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20 } as const;

/**
 * Make a log GitHub will ingest whole (its hard limits reject the whole upload): a run over
 * 25,000 results is split into parts, each its own category (`…-part2/`); a rule's tags are cut
 * to 20 and a result's locations to 1,000 (GitHub displays only 10 and 100 of them anyway). More
 * than 20 runs cannot be fixed by splitting: `githubUploadWarning` says so, but the log is still
 * written whole — the verdict is about the findings, not about whether one upload can carry them.
 * Pure: returns a new log, the input is untouched.
 */
export function fitGithubLimits(log: Log): Log {
  const runs: Run[] = [];
  for (const original of log.runs) {
    const run = withinRuleAndLocationLimits(original);
    const results = run.results ?? [];
    // Indexed once per run, not once per part: a Grype run of 100k matches has ~90k rules.
    const rules = ruleIndex(run);
    if (results.length <= GITHUB_LIMITS.resultsPerRun) {
      runs.push(withinRulesLimit(run, run.results, rules));
      continue;
    }
    const base = (run.automationDetails?.id ?? run.tool.driver.name).replace(/\/$/, '');
    for (let i = 0, part = 1; i < results.length; i += GITHUB_LIMITS.resultsPerRun, part++) {
      runs.push(
        withinRulesLimit(
          { ...run, automationDetails: { ...(run.automationDetails ?? {}), id: `${base}-part${part}/` } },
          results.slice(i, i + GITHUB_LIMITS.resultsPerRun),
          rules,
        ),
      );
    }
  }
  return { ...log, runs };
}

/** One line for a log (as fitted) that GitHub code scanning would reject whole, or undefined. */
export function githubUploadWarning(fitted: Log, file: string): string | undefined {
  if (fitted.runs.length <= GITHUB_LIMITS.runsPerFile) return undefined;
  return `${file} holds ${fitted.runs.length} runs; GitHub code scanning accepts at most ${GITHUB_LIMITS.runsPerFile} per upload — upload the reports in several steps (one category each, e.g. \`secgate merge\` per shard), or pass fewer reports to this gate`;
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

/** A run's driver rules, and where each id first occurs — only for a run over the rules limit. */
interface RuleIndex {
  rules: NonNullable<Run['tool']['driver']['rules']>;
  firstById: Map<string, number>;
}

function ruleIndex(run: Run): RuleIndex | undefined {
  const rules = run.tool.driver.rules;
  if (!rules || rules.length <= GITHUB_LIMITS.rulesPerRun) return undefined;
  const firstById = new Map<string, number>();
  for (let i = 0; i < rules.length; i++) if (!firstById.has(rules[i]!.id)) firstById.set(rules[i]!.id, i);
  return { rules, firstById };
}

/**
 * Over 25,000 rules in a run GitHub rejects the upload (a Grype report of 100k matches names ~90k
 * CVEs; split into parts, every part would also repeat them all). Such a run keeps only the driver
 * rules its results reference (by id, or by index without a toolComponent), in their order, with
 * ruleIndex / rule.index renumbered. Runs within the limit are returned with their rules as they are.
 * A result whose index does not change is kept as it is (not copied).
 */
function withinRulesLimit(run: Run, results: Result[] | undefined, index: RuleIndex | undefined): Run {
  if (!index || !results) return run.results === results ? run : { ...run, results };
  const { rules, firstById } = index;
  const driverIndex = (r: Result): number | undefined => {
    if (r.rule?.toolComponent) return undefined;
    const i = r.rule?.index ?? r.ruleIndex;
    return typeof i === 'number' && i >= 0 && i < rules.length ? i : undefined;
  };
  const keep = new Set<number>();
  for (const r of results) {
    const i = driverIndex(r);
    if (i !== undefined) keep.add(i);
    const id = r.ruleId ?? r.rule?.id;
    // A hierarchical id ("CA2000/1") names its parent rule too.
    const j = id === undefined ? undefined : (firstById.get(id) ?? firstById.get(id.split('/')[0]!));
    if (j !== undefined) keep.add(j);
  }
  const order = [...keep].sort((a, b) => a - b);
  const renumber = new Map(order.map((old, n) => [old, n]));
  const renumbered = results.map((r) => {
    const i = driverIndex(r);
    if (i === undefined) return r;
    const n = renumber.get(i)!;
    if ((r.ruleIndex === undefined || r.ruleIndex === n) && (r.rule?.index === undefined || r.rule.index === n)) return r;
    return {
      ...r,
      ...(r.ruleIndex !== undefined ? { ruleIndex: n } : {}),
      ...(r.rule?.index !== undefined ? { rule: { ...r.rule, index: n } } : {}),
    };
  });
  return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: order.map((i) => rules[i]!) } }, results: renumbered };
}
