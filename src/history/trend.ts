import { SEVERITIES, type Severity } from '../sarif/severity.js';
import type { HistoryEntry } from './entry.js';

export interface TrendRow {
  time: string;
  commit?: string | undefined;
  verdict: string;
  counts: Record<Severity, number>;
  total: number;
  /** Issues open now that were not open in the previous entry. */
  new: number;
  /** Issues open in the previous entry that are not open now. */
  fixed: number;
}

export interface Trend {
  rows: TrendRow[];
  /** Mean time to fix, in hours, per severity (issues that were fixed within the history). */
  mttfHours: Partial<Record<Severity, { mean: number; fixed: number }>>;
}

/**
 * New vs fixed and time to fix, from the open-issue ids of consecutive entries. An issue is
 * "fixed" when it disappears; its time to fix runs from the first entry it appeared in (within
 * this history) to the first entry without it. An issue that comes back starts a new interval.
 */
export function computeTrend(entries: HistoryEntry[]): Trend {
  const rows: TrendRow[] = [];
  let prev = new Map<string, Severity>();
  const since = new Map<string, number>();
  const durations: Record<string, number[]> = {};
  for (const e of entries) {
    const now = new Map<string, Severity>();
    for (const s of SEVERITIES) for (const id of e.open?.[s] ?? []) now.set(id, s);
    const t = Date.parse(e.time);
    let added = 0;
    let fixed = 0;
    for (const [id] of now) {
      if (!prev.has(id)) {
        added++;
        since.set(id, t);
      }
    }
    for (const [id, s] of prev) {
      if (!now.has(id)) {
        fixed++;
        const start = since.get(id);
        if (start !== undefined) (durations[s] ??= []).push((t - start) / 3_600_000);
        since.delete(id);
      }
    }
    const total = SEVERITIES.reduce((n, s) => n + (e.counts[s] ?? 0), 0);
    rows.push({ time: e.time, commit: e.commit, verdict: e.verdict, counts: e.counts, total, new: added, fixed });
    prev = now;
  }
  const mttfHours: Trend['mttfHours'] = {};
  for (const s of SEVERITIES) {
    const d = durations[s];
    if (d?.length) mttfHours[s] = { mean: d.reduce((a, b) => a + b, 0) / d.length, fixed: d.length };
  }
  return { rows, mttfHours };
}
