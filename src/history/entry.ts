import type { Log } from 'sarif';
import { readVerdict } from '../policy/verdict.js';
import { isSuppressed, severityOf, toolName } from '../sarif/props.js';
import { SEVERITIES, type Severity } from '../sarif/severity.js';
import { emptyCounts, type SeverityCounts } from '../sarif/summary.js';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { digest } from '../sarif/hash.js';

export const HISTORY_VERSION = 1;

/**
 * One line of the history file. Besides counts, it keeps the set of open issues per severity
 * as short ids (12 hex characters of the issue's correlation class), which is what `trend`
 * needs for new vs fixed per run and time to fix: about 13 bytes per open issue.
 */
export interface HistoryEntry {
  v: typeof HISTORY_VERSION;
  /** ISO time of the evaluation (the injected clock). */
  time: string;
  command: string;
  verdict: 'pass' | 'fail' | 'error';
  commit?: string;
  branch?: string;
  /** Distinct unsuppressed issues per severity. */
  counts: SeverityCounts;
  /** Unsuppressed results per tool. */
  tools: Record<string, number>;
  suppressed: number;
  /** Open issue ids by severity. */
  open: Partial<Record<Severity, string[]>>;
}

export function issueId(classKey: string): string {
  return digest([classKey], 12);
}

export function historyEntry(log: Log, o: { now: Date; command: string; commit?: string | undefined; branch?: string | undefined }): HistoryEntry {
  const counts = emptyCounts();
  const tools: Record<string, number> = {};
  const classes = new Map<string, Severity>();
  let suppressed = 0;
  for (const run of log.runs) {
    const tool = toolName(run);
    for (const result of run.results ?? []) {
      if (result.kind && result.kind !== 'fail') continue;
      if (isSuppressed(result)) {
        suppressed++;
        continue;
      }
      tools[tool] = (tools[tool] ?? 0) + 1;
      const key = result.correlationGuid ?? result.partialFingerprints?.[FINGERPRINT_KEY] ?? `${tool}|${result.ruleId}`;
      const s = severityOf(result);
      const prev = classes.get(key);
      if (!prev || SEVERITIES.indexOf(s) < SEVERITIES.indexOf(prev)) classes.set(key, s);
    }
  }
  const open: Partial<Record<Severity, string[]>> = {};
  for (const [key, s] of classes) {
    counts[s]++;
    (open[s] ??= []).push(issueId(key));
  }
  for (const s of SEVERITIES) open[s]?.sort();
  const verdict = readVerdict(log)?.status ?? 'error';
  return {
    v: HISTORY_VERSION,
    time: o.now.toISOString(),
    command: o.command,
    verdict,
    ...(o.commit ? { commit: o.commit } : {}),
    ...(o.branch ? { branch: o.branch } : {}),
    counts,
    tools: Object.fromEntries(Object.entries(tools).sort(([a], [b]) => a.localeCompare(b))),
    suppressed,
    open,
  };
}

/** Parse the history file; a damaged line is named (the file is ours: damage is worth knowing). */
export function parseHistory(text: string, file: string): { entries: HistoryEntry[]; problems: string[] } {
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const e = JSON.parse(line) as HistoryEntry;
      if (e && e.v === HISTORY_VERSION && typeof e.time === 'string' && e.counts) entries.push(e);
      else problems.push(`${file}:${i + 1}: not a secgate history entry (v${String((e as { v?: unknown })?.v)})`);
    } catch {
      problems.push(`${file}:${i + 1}: not valid JSON`);
    }
  });
  entries.sort((a, b) => a.time.localeCompare(b.time));
  return { entries, problems };
}
