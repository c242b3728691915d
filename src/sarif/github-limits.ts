import type { Log, Result, Run } from 'sarif';
import { isSpooled, type SpooledResults } from './spooled-types.js';
import { isSpooledRules } from './spooled-rules.js';

/** GitHub code scanning's hard limits: over them the whole upload is rejected (docs: "SARIF results exceed one or more limits"). */
export const GITHUB_LIMITS = { runsPerFile: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, locationsPerResult: 1_000, tagsPerRule: 20 } as const;

/**
 * Make a log GitHub will ingest whole (its hard limits reject the whole upload): a run over
 * 25,000 results is split into parts, each its own category (`…-part2/`); a rule's tags are cut
 * to 20 and a result's locations to 1,000 (GitHub displays only 10 and 100 of them anyway). More
 * than 20 runs cannot be fixed by splitting: `githubUploadWarning` says so, but the log is still
 * written whole — the verdict is about the findings, not about whether one upload can carry them.
 * Pure: returns a new log, the input is untouched. A run whose results are spooled
 * (spooled-types.ts) gets the same data through views of its spool (fitSpooledRun).
 */
export function fitGithubLimits(log: Log): Log {
  const runs: Run[] = [];
  for (const original of log.runs) {
    if (isSpooled(original.results)) {
      runs.push(...fitSpooledRun(original, original.results));
      continue;
    }
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

type Rules = NonNullable<Run['tool']['driver']['rules']>;

/** Whether a rule has over 20 tags (spooled rules: from the tags kept in memory). */
function tagsOver(rules: Rules | undefined): boolean {
  if (isSpooledRules(rules)) {
    for (let i = 0; i < rules.count; i++) if (rules.tagsAt(i).length > GITHUB_LIMITS.tagsPerRule) return true;
    return false;
  }
  return (rules ?? []).some((r) => (r.properties?.tags?.length ?? 0) > GITHUB_LIMITS.tagsPerRule);
}

function withinRuleAndLocationLimits(run: Run): Run {
  const tooManyTags = tagsOver(run.tool.driver.rules);
  const tooManyLocations = (run.results ?? []).some(overLocationLimit);
  if (!tooManyTags && !tooManyLocations) return run;
  return { ...withinTagLimit(run), ...(run.results ? { results: run.results.map(withinLocationLimit) } : {}) };
}

/** The run with every rule's tags cut to 20 (the same run when none has more). */
function withinTagLimit(run: Run): Run {
  if (!tagsOver(run.tool.driver.rules)) return run;
  const rules = run.tool.driver.rules;
  // Spooled rules: a view whose texts are written with the tags cut.
  if (isSpooledRules(rules)) return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: rules.view(undefined, GITHUB_LIMITS.tagsPerRule) as unknown as Rules } } };
  return {
    ...run,
    tool: {
      ...run.tool,
      driver: {
        ...run.tool.driver,
        rules: run.tool.driver.rules!.map((r) => ((r.properties?.tags?.length ?? 0) > GITHUB_LIMITS.tagsPerRule ? { ...r, properties: { ...r.properties, tags: r.properties!.tags!.slice(0, GITHUB_LIMITS.tagsPerRule) } } : r)),
      },
    },
  };
}

function overLocationLimit(r: Result): boolean {
  return (r.locations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult || (r.relatedLocations?.length ?? 0) > GITHUB_LIMITS.locationsPerResult;
}

/** The result with its locations and related locations cut to 1,000 (the same result when within). */
function withinLocationLimit(r: Result): Result {
  if (!overLocationLimit(r)) return r;
  return {
    ...r,
    ...(r.locations ? { locations: r.locations.slice(0, GITHUB_LIMITS.locationsPerResult) } : {}),
    ...(r.relatedLocations ? { relatedLocations: r.relatedLocations.slice(0, GITHUB_LIMITS.locationsPerResult) } : {}),
  };
}

/** A run's driver rules, and where each id first occurs — only for a run over the rules limit. */
interface RuleIndex {
  rules: Rules;
  firstById: Map<string, number>;
}

function ruleIndex(run: Run): RuleIndex | undefined {
  const rules = run.tool.driver.rules;
  if (!rules || rules.length <= GITHUB_LIMITS.rulesPerRun) return undefined;
  const firstById = new Map<string, number>();
  const spooled = isSpooledRules(rules) ? rules : undefined;
  for (let i = 0; i < rules.length; i++) {
    const id = spooled ? spooled.idAt(i) : rules[i]!.id;
    if (!firstById.has(id)) firstById.set(id, i);
  }
  return { rules, firstById };
}

/** The rules at `order` (indices into index.rules): spooled rules as a view of them. */
function pick(index: RuleIndex, order: number[]): Rules {
  const rules = index.rules;
  return isSpooledRules(rules) ? (rules.view(order) as unknown as Rules) : order.map((i) => rules[i]!);
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
  const keep = new Set<number>();
  for (const r of results) keepRulesOf(r, index, keep);
  const { order, renumber } = renumbering(keep);
  return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: pick(index, order) } }, results: results.map((r) => renumbered(r, index, renumber)) };
}

/** The driver rule a result points at by index (not into a tool extension), if in range. */
function driverIndex(r: Result, index: RuleIndex): number | undefined {
  if (r.rule?.toolComponent) return undefined;
  const i = r.rule?.index ?? r.ruleIndex;
  return typeof i === 'number' && i >= 0 && i < index.rules.length ? i : undefined;
}

/** Add to `keep` the rules a result references: by index, and by id (the first rule of that id). */
function keepRulesOf(r: Result, index: RuleIndex, keep: Set<number>): void {
  const i = driverIndex(r, index);
  if (i !== undefined) keep.add(i);
  keepRuleById(r.ruleId ?? r.rule?.id, index, keep);
}

function keepRuleById(id: string | undefined, { firstById }: RuleIndex, keep: Set<number>): void {
  // A hierarchical id ("CA2000/1") names its parent rule too.
  const j = id === undefined ? undefined : (firstById.get(id) ?? firstById.get(id.split('/')[0]!));
  if (j !== undefined) keep.add(j);
}

/** The kept rules in their order, and each one's old index → new index. */
function renumbering(keep: Set<number>): { order: number[]; renumber: Map<number, number> } {
  const order = [...keep].sort((a, b) => a - b);
  return { order, renumber: new Map(order.map((old, n) => [old, n])) };
}

/** The result with ruleIndex / rule.index renumbered (the same object when they do not change). */
function renumbered(r: Result, index: RuleIndex, renumber: ReadonlyMap<number, number>): Result {
  const i = driverIndex(r, index);
  if (i === undefined) return r;
  const n = renumber.get(i)!;
  if ((r.ruleIndex === undefined || r.ruleIndex === n) && (r.rule?.index === undefined || r.rule.index === n)) return r;
  return {
    ...r,
    ...(r.ruleIndex !== undefined ? { ruleIndex: n } : {}),
    ...(r.rule?.index !== undefined ? { rule: { ...r.rule, index: n } } : {}),
  };
}

/**
 * fitGithubLimits for a run whose results are spooled: the same parts, rules and results as the
 * in-memory path, without reading the results into objects. Parts are views of the spool
 * (SpooledPart); a run over the rules limit keeps the rules its part references, found from
 * ruleIdAt/ruleIndexAt, and its texts are written with ruleIndex renumbered through the part's map.
 * The spool cannot edit a text in place, so the few results the limits must change as objects —
 * over 1,000 locations (cut), or with a `rule` member (rule.index renumbered, or a tool
 * extension's index that must not be) — are materialised (`at(i)`) and written from the object.
 */
function fitSpooledRun(original: Run, spooled: SpooledResults): Run[] {
  const run = withinTagLimit(original);
  const rules = ruleIndex(run);
  const objects = objectsToFit(spooled, rules !== undefined);
  const extras = spooled.extras.map(withinLocationLimit);
  const part = (from: number, to: number, partRun: Run): Run => {
    // [from, to) over the whole array: spooled results first, then the extras.
    const s0 = Math.min(from, spooled.count);
    const s1 = Math.min(to, spooled.count);
    const partExtras = extras.slice(Math.max(0, from - spooled.count), Math.max(0, to - spooled.count));
    const partObjects = new Map([...objects].filter(([i]) => i >= s0 && i < s1));
    if (!rules) {
      const unchanged = s0 === 0 && s1 === spooled.count && partObjects.size === 0 && partExtras.every((r, k) => r === spooled.extras[k]) && partExtras.length === spooled.extras.length;
      return { ...partRun, results: (unchanged ? spooled : new SpooledPart(spooled, s0, s1, partExtras, partObjects)) as unknown as Result[] };
    }
    const keep = new Set<number>();
    for (let i = s0; i < s1; i++) {
      const r = partObjects.get(i);
      if (r) {
        keepRulesOf(r, rules, keep);
        continue;
      }
      const idx = spooled.ruleIndexAt(i);
      if (idx >= 0 && idx < rules.rules.length) keep.add(idx);
      keepRuleById(spooled.ruleIdAt(i), rules, keep);
    }
    for (const r of partExtras) keepRulesOf(r, rules, keep);
    const { order, renumber } = renumbering(keep);
    const renumberedObjects = new Map([...partObjects].map(([i, r]) => [i, renumbered(r, rules, renumber)]));
    const results = new SpooledPart(spooled, s0, s1, partExtras.map((r) => renumbered(r, rules, renumber)), renumberedObjects, renumber);
    return { ...partRun, tool: { ...partRun.tool, driver: { ...partRun.tool.driver, rules: pick(rules, order) } }, results: results as unknown as Result[] };
  };
  if (spooled.length <= GITHUB_LIMITS.resultsPerRun) {
    if (!rules && objects.size === 0 && extras.every((r, k) => r === spooled.extras[k])) return [run];
    return [part(0, spooled.length, run)];
  }
  const base = (run.automationDetails?.id ?? run.tool.driver.name).replace(/\/$/, '');
  const parts: Run[] = [];
  for (let i = 0, n = 1; i < spooled.length; i += GITHUB_LIMITS.resultsPerRun, n++) {
    parts.push(part(i, i + GITHUB_LIMITS.resultsPerRun, { ...run, automationDetails: { ...(run.automationDetails ?? {}), id: `${base}-part${n}/` } }));
  }
  return parts;
}

/**
 * The spooled results fitGithubLimits must change as objects (index → the object, its locations
 * cut): those over the location limit, and — when the rules are renumbered (`withRules`) — those
 * with a `rule` member. The spool noted which as it wrote them (`needsObjectAt`).
 */
function objectsToFit(spooled: SpooledResults, withRules: boolean): Map<number, Result> {
  const out = new Map<number, Result>();
  for (let i = 0; i < spooled.count; i++) {
    if (!spooled.needsObjectAt(i)) continue;
    const r = spooled.at(i);
    if (overLocationLimit(r) || (withRules && r.rule !== undefined)) out.set(i, withinLocationLimit(r));
  }
  return out;
}

/**
 * Spooled results from … to-1 of `base` as a SpooledResults of their own (a GitHub part, or the
 * whole run with some results changed): `extras` are the part's own; `objects` (base index → result)
 * are written from the object instead of the spool text; `renumber` maps ruleIndex (the kept rules).
 * The one view of a part of a spooled run: a part may end inside the base's extras, and carries objects.
 */
export class SpooledPart implements SpooledResults {
  readonly spooled = true;
  readonly count: number;
  private readonly objectIndexes: number[];
  constructor(
    private readonly base: SpooledResults,
    private readonly from: number,
    to: number,
    readonly extras: Result[],
    private readonly objects: ReadonlyMap<number, Result> = new Map(),
    private readonly renumber?: ReadonlyMap<number, number>,
  ) {
    this.count = to - from;
    this.objectIndexes = [...objects.keys()].sort((a, b) => a - b);
  }
  get length(): number {
    return this.count + this.extras.length;
  }
  ruleIdAt(i: number): string | undefined {
    const r = this.objects.get(this.from + i);
    return r ? (r.ruleId ?? r.rule?.id) : this.base.ruleIdAt(this.from + i);
  }
  ruleIndexAt(i: number): number {
    const r = this.objects.get(this.from + i);
    if (r) return typeof r.ruleIndex === 'number' ? r.ruleIndex : -1;
    const idx = this.base.ruleIndexAt(this.from + i);
    return this.renumber?.get(idx) ?? idx;
  }
  /** An object's own members say it (its locations are cut already); a spooled result's, the base. */
  needsObjectAt(i: number): boolean {
    const r = this.objects.get(this.from + i);
    return r ? r.rule !== undefined || overLocationLimit(r) : this.base.needsObjectAt(this.from + i);
  }
  patch(i: number) {
    return this.base.patch(this.from + i);
  }
  /** The base's texts carry the base's patch: a part cannot have its own (the gate patches the run before it is fitted). */
  setPatch(): void {
    throw new Error('a part of a spooled run is patched through its run');
  }
  *texts(from: number, to: number, ruleIndexMap?: ReadonlyMap<number, number>): Iterable<string> {
    const map = compose(this.renumber, ruleIndexMap);
    let next = this.from + from;
    const end = this.from + to;
    for (const o of this.objectIndexes) {
      if (o < next || o >= end) continue;
      if (o > next) yield* this.base.texts(next, o, map);
      yield JSON.stringify(mapped(this.objects.get(o)!, ruleIndexMap));
      next = o + 1;
    }
    if (next < end) yield* this.base.texts(next, end, map);
  }
  at(i: number): Result {
    const o = this.objects.get(this.from + i);
    if (o) return structuredClone(o);
    const r = this.base.at(this.from + i);
    if (this.renumber && typeof r.ruleIndex === 'number') r.ruleIndex = this.renumber.get(r.ruleIndex) ?? r.ruleIndex;
    return r;
  }
  *[Symbol.iterator](): Iterator<Result> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
    yield* this.extras;
  }
}

/** `second` after `first` (either may be absent); an index neither maps is written unchanged. */
function compose(first: ReadonlyMap<number, number> | undefined, second: ReadonlyMap<number, number> | undefined): ReadonlyMap<number, number> | undefined {
  if (!first || !second) return first ?? second;
  const out = new Map(second);
  for (const [k, v] of first) out.set(k, second.get(v) ?? v);
  return out;
}

function mapped(r: Result, map: ReadonlyMap<number, number> | undefined): Result {
  const n = map && typeof r.ruleIndex === 'number' ? map.get(r.ruleIndex) : undefined;
  return n === undefined ? r : { ...r, ruleIndex: n };
}
