import type { Log } from 'sarif';
import { isFinding, isSuppressed, severityOf, toolName, runSucceeded, runOptional } from './props.js';
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
  const tools: ToolSummary[] = log.runs.map((run) => ({
    tool: toolName(run),
    category: (run.automationDetails?.id ?? '').replace(/\/$/, ''),
    kind: run.properties?.['kind'] as string | undefined,
    succeeded: runSucceeded(run),
    optional: runOptional(run),
    counts: emptyCounts(),
    suppressed: 0,
  }));
  const total = emptyCounts();
  // Per class (by slot): its highest severity, the first tool that saw it, and whether another did.
  // Parallel arrays, not an object and a Set per class: 100k classes are 100k of each otherwise.
  const slotOf = new Map<string, number>();
  const severities: Severity[] = [];
  const firstTool: string[] = [];
  let shared = 0;
  const sharedSlot: boolean[] = [];
  let suppressed = 0;
  for (let runIndex = 0; runIndex < log.runs.length; runIndex++) {
    const run = log.runs[runIndex]!;
    const results = run.results;
    if (!results) continue;
    const tool = tools[runIndex]!;
    const name = tool.tool;
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      if (result.baselineState === 'absent') continue; // fixed since the baseline: not a finding now
      if (!isFinding(result)) continue; // a passed or not-applicable check
      if (isSuppressed(result)) {
        tool.suppressed++;
        suppressed++;
        continue;
      }
      const s = severityOf(result);
      tool.counts[s]++;
      total[s]++;
      const key = result.correlationGuid ?? `${runIndex}:${result.ruleId}:${JSON.stringify(result.locations?.[0] ?? '')}`;
      const slot = slotOf.get(key);
      if (slot === undefined) {
        slotOf.set(key, severities.length);
        severities.push(s);
        firstTool.push(name);
        sharedSlot.push(false);
      } else {
        severities[slot] = maxSeverity(severities[slot]!, s);
        if (!sharedSlot[slot] && firstTool[slot] !== name) {
          sharedSlot[slot] = true;
          shared++;
        }
      }
    }
  }
  const distinct = emptyCounts();
  for (const s of severities) distinct[s]++;
  return { tools, total, distinct, distinctTotal: severities.length, suppressed, sharedAcrossTools: shared };
}

export function sumCounts(c: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + c[s], 0);
}
