import type { Log, Run } from 'sarif';
import { eachResult, isFinding, isSuppressed, severityOf, toolName, runSucceeded, runOptional } from './props.js';
import { SEVERITIES, maxSeverity, type Severity } from './severity.js';

export type SeverityCounts = Record<Severity, number>;

export interface ToolSummary {
  tool: string;
  /** automationDetails.id, to tell two runs of one tool apart. */
  category: string;
  kind: string | undefined;
  succeeded: boolean;
  optional: boolean;
  counts: SeverityCounts;
  suppressed: number;
}

export interface Summary {
  tools: ToolSummary[];
  /** Unsuppressed results per severity, before cross-tool merging. */
  total: SeverityCounts;
  /** Distinct issues (correlation classes) per severity; a class takes its highest severity. */
  distinct: SeverityCounts;
  distinctTotal: number;
  suppressed: number;
  /** Classes seen by more than one tool. */
  sharedAcrossTools: number;
}

export function emptyCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

export function summarise(log: Log): Summary {
  const tally = new SummaryTally(log.runs);
  // eachResult: a spooled run is read sequentially, not indexed.
  for (const { runIndex, result } of eachResult(log)) {
    if (result.baselineState === 'absent') continue; // fixed since the baseline: not a finding now
    if (!isFinding(result)) continue; // a passed or not-applicable check
    if (isSuppressed(result)) tally.suppressed(runIndex);
    else tally.add(runIndex, severityOf(result), result.correlationGuid ?? `${runIndex}:${result.ruleId}:${JSON.stringify(result.locations?.[0] ?? '')}`);
  }
  return tally.finish();
}

/**
 * summarise() one finding at a time (the ledger, src/policy/ledger.ts, feeds it from its keys): per
 * run, then per class — its highest severity, the first tool that saw it, and whether another did.
 * Parallel arrays, not an object and a Set per class: 100k classes are 100k of each otherwise.
 */
export class SummaryTally {
  private readonly tools: ToolSummary[];
  private readonly total = emptyCounts();
  private readonly slotOf = new Map<string | number, number>();
  private readonly severities: Severity[] = [];
  private readonly firstTool: string[] = [];
  private readonly sharedSlot: boolean[] = [];
  private shared = 0;
  private suppressedCount = 0;

  constructor(runs: readonly Run[]) {
    this.tools = runs.map((run) => ({
      tool: toolName(run),
      category: (run.automationDetails?.id ?? '').replace(/\/$/, ''),
      kind: run.properties?.['kind'] as string | undefined,
      succeeded: runSucceeded(run),
      optional: runOptional(run),
      counts: emptyCounts(),
      suppressed: 0,
    }));
  }

  /** A suppressed finding of the run at `runIndex`. */
  suppressed(runIndex: number): void {
    this.tools[runIndex]!.suppressed++;
    this.suppressedCount++;
  }

  /** An open finding of the run at `runIndex`, in class `cls` (the same key for every sighting of one issue). */
  add(runIndex: number, s: Severity, cls: string | number): void {
    const tool = this.tools[runIndex]!;
    tool.counts[s]++;
    this.total[s]++;
    const slot = this.slotOf.get(cls);
    if (slot === undefined) {
      this.slotOf.set(cls, this.severities.length);
      this.severities.push(s);
      this.firstTool.push(tool.tool);
      this.sharedSlot.push(false);
    } else {
      this.severities[slot] = maxSeverity(this.severities[slot]!, s);
      if (!this.sharedSlot[slot] && this.firstTool[slot] !== tool.tool) {
        this.sharedSlot[slot] = true;
        this.shared++;
      }
    }
  }

  finish(): Summary {
    const distinct = emptyCounts();
    for (const s of this.severities) distinct[s]++;
    return { tools: this.tools, total: this.total, distinct, distinctTotal: this.severities.length, suppressed: this.suppressedCount, sharedAcrossTools: this.shared };
  }
}

export function sumCounts(c: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + c[s], 0);
}
