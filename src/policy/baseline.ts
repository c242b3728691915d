import type { Log, Result, Run } from 'sarif';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { toolName } from '../sarif/props.js';

export interface BaselineCounts {
  new: number;
  unchanged: number;
  updated: number;
  absent: number;
}

/**
 * The keys a result is known by across runs, strongest first: secgate's own fingerprint, then
 * the tool's partial fingerprints, then full fingerprints. Each is scoped by tool name, so two
 * tools' fingerprints never meet by accident.
 */
export function baselineKeys(run: Run, result: Result): string[] {
  const tool = toolName(run).toLowerCase();
  const keys: string[] = [];
  const own = result.partialFingerprints?.[FINGERPRINT_KEY];
  if (own) keys.push(`${tool}\u0000p\u0000${FINGERPRINT_KEY}\u0000${own}`);
  for (const [k, v] of Object.entries(result.partialFingerprints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (k !== FINGERPRINT_KEY) keys.push(`${tool}\u0000p\u0000${k}\u0000${v}`);
  }
  for (const [k, v] of Object.entries(result.fingerprints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) keys.push(`${tool}\u0000f\u0000${k}\u0000${v}`);
  return keys;
}

/**
 * SARIF baselining (§3.27.24): each current result is new, unchanged or updated against the
 * baseline log; baseline results with no current match are appended as absent (fixed) to the
 * run of the same tool — only when that tool ran this time, since a tool that did not run fixed
 * nothing. "Updated" means the same finding whose severity, message or location moved.
 */
export function applyBaseline(log: Log, baseline: Log): BaselineCounts {
  const index = new Map<string, { run: Run; result: Result; used: boolean }>();
  const entries: { run: Run; result: Result; used: boolean }[] = [];
  for (const run of baseline.runs ?? []) {
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') continue; // fixed last time: not part of that state
      const entry = { run, result, used: false };
      entries.push(entry);
      for (const k of baselineKeys(run, result)) if (!index.has(k)) index.set(k, entry);
    }
  }
  const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const keys = baselineKeys(run, result);
      const hit = keys.map((k) => index.get(k)).find((e) => e && !e.used) ?? keys.map((k) => index.get(k)).find(Boolean);
      if (!hit) {
        result.baselineState = 'new';
        counts.new++;
        continue;
      }
      hit.used = true;
      result.baselineState = materiallySame(hit.result, result) ? 'unchanged' : 'updated';
      counts[result.baselineState]++;
    }
  }
  const ranTools = new Map(log.runs.map((r) => [toolName(r).toLowerCase(), r]));
  for (const e of entries) {
    if (e.used) continue;
    const target = ranTools.get(toolName(e.run).toLowerCase());
    if (!target) continue;
    const absent: Result = { ...structuredClone(e.result), baselineState: 'absent' };
    delete absent.suppressions;
    delete absent.correlationGuid;
    // ruleIndex points into the baseline's rule list, not this run's.
    delete absent.ruleIndex;
    delete absent.rule;
    (target.results ??= []).push(absent);
    counts.absent++;
  }
  return counts;
}

function materiallySame(a: Result, b: Result): boolean {
  const sev = (r: Result) => (r.properties as { severity?: unknown } | undefined)?.severity ?? r.level;
  const loc = (r: Result) => {
    const p = r.locations?.[0]?.physicalLocation;
    return `${p?.artifactLocation?.uri ?? ''}:${p?.region?.startLine ?? ''}`;
  };
  return sev(a) === sev(b) && (a.message.text ?? '') === (b.message.text ?? '') && loc(a) === loc(b);
}

/**
 * The log `secgate baseline` writes: the merged results as they stand, without the verdict,
 * suppressions kept (a waived finding is still a known finding), and no baselineState of its own.
 */
export function toBaselineLog(log: Log): Log {
  const out = structuredClone(log);
  if (out.properties) {
    delete out.properties['secgate'];
    if (!Object.keys(out.properties).length) delete out.properties;
  }
  for (const run of out.runs) {
    run.results = (run.results ?? []).filter((r) => r.baselineState !== 'absent');
    for (const r of run.results) delete r.baselineState;
  }
  return out;
}
