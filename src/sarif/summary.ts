import type { Log } from 'sarif';
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
  const classes = new Map<string, { severity: Severity; tools: Set<string> }>();
  let suppressed = 0;
  for (const { run, runIndex, result } of eachResult(log)) {
    if (result.baselineState === 'absent') continue; // fixed since the baseline: not a finding now
    if (!isFinding(result)) continue; // a passed or not-applicable check
    if (isSuppressed(result)) {
      tools[runIndex]!.suppressed++;
      suppressed++;
      continue;
    }
    const s = severityOf(result);
    tools[runIndex]!.counts[s]++;
    total[s]++;
    const key = result.correlationGuid ?? `${runIndex}:${result.ruleId}:${JSON.stringify(result.locations?.[0] ?? '')}`;
    const c = classes.get(key);
    if (c) {
      c.severity = maxSeverity(c.severity, s);
      c.tools.add(toolName(run));
    } else classes.set(key, { severity: s, tools: new Set([toolName(run)]) });
  }
  const distinct = emptyCounts();
  let shared = 0;
  for (const c of classes.values()) {
    distinct[c.severity]++;
    if (c.tools.size > 1) shared++;
  }
  return { tools, total, distinct, distinctTotal: classes.size, suppressed, sharedAcrossTools: shared };
}

export function sumCounts(c: SeverityCounts): number {
  return SEVERITIES.reduce((n, s) => n + c[s], 0);
}
