import type { Log, Run } from 'sarif';
import { eachResult, isFinding, isSuppressed, severityOf, toolName, runSucceeded, runOptional } from './props.js';
import { SEVERITIES, type Severity } from './severity.js';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';

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
  // Class keys as numbers for the tally (the ledger's are its correlation classes).
  const classes = new KeyTable();
  // eachResult: a spooled run is read sequentially, not indexed.
  for (const { runIndex, result } of eachResult(log)) {
    if (result.baselineState === 'absent') continue; // fixed since the baseline: not a finding now
    if (!isFinding(result)) continue; // a passed or not-applicable check
    if (isSuppressed(result)) tally.suppressed(runIndex);
    else tally.add(runIndex, severityOf(result), classes.add(result.correlationGuid ?? `${runIndex}:${result.ruleId}:${JSON.stringify(result.locations?.[0] ?? '')}`));
  }
  return tally.finish();
}

/**
 * summarise() one finding at a time (the ledger, src/policy/ledger.ts, feeds it from its keys): per
 * run, then per class — its highest severity, the run that first saw it, and whether another tool
 * did. Typed arrays by class number and by slot (a class in order of first sighting), not an object,
 * a Map entry or a Set per class: a 1 GB report's millions of classes add nothing to the heap.
 */
export class SummaryTally {
  private readonly tools: ToolSummary[];
  private readonly total = emptyCounts();
  /** Per class number: its slot + 1 (0: not seen yet). */
  private slotOf = new Int32Array(1024);
  /** Per slot: the highest severity (an index into SEVERITIES), the first run, whether another tool saw it. */
  private severities = new Uint8Array(1024);
  private firstRun = new Int32Array(1024);
  private sharedSlot = new Uint8Array(1024);
  private slots = 0;
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

  /** An open finding of the run at `runIndex`, in class `cls` (a number ≥ 0, the same for every sighting of one issue). */
  add(runIndex: number, s: Severity, cls: number): void {
    const tool = this.tools[runIndex]!;
    tool.counts[s]++;
    this.total[s]++;
    const sev = SEVERITIES.indexOf(s);
    this.slotOf = grown(this.slotOf, cls);
    const at = this.slotOf[cls]! - 1;
    if (at < 0) {
      const slot = this.slots++;
      this.slotOf[cls] = slot + 1;
      this.severities = grown(this.severities, slot);
      this.firstRun = grown(this.firstRun, slot);
      this.sharedSlot = grown(this.sharedSlot, slot);
      this.severities[slot] = sev;
      this.firstRun[slot] = runIndex;
    } else {
      if (sev < this.severities[at]!) this.severities[at] = sev; // more severe
      if (!this.sharedSlot[at] && this.tools[this.firstRun[at]!]!.tool !== tool.tool) {
        this.sharedSlot[at] = 1;
        this.shared++;
      }
    }
  }

  finish(): Summary {
    const distinct = emptyCounts();
    for (let slot = 0; slot < this.slots; slot++) distinct[SEVERITIES[this.severities[slot]!]!]++;
    return { tools: this.tools, total: this.total, distinct, distinctTotal: this.slots, suppressed: this.suppressedCount, sharedAcrossTools: this.shared };
  }
}

export function sumCounts(c: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + c[s], 0);
}
