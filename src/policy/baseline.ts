import type { Log, PhysicalLocation, Result, Run } from 'sarif';
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
 * A baseline match found for a current result, strongest key first: the baseline slot and whether
 * that baseline result is materially the same (severity, message, location) as the current one.
 */
export interface BaselineCandidate {
  slot: number;
  same: boolean;
}

/**
 * SARIF baselining (§3.27.24): each current result is new, unchanged or updated against the
 * baseline log; baseline results with no current match are appended as absent (fixed) to the
 * run of the same tool — only when that tool ran this time, since a tool that did not run fixed
 * nothing. "Updated" means the same finding whose severity, message or location moved.
 *
 * The baseline log indexed for matching, one result at a time: `candidates` for each current result
 * (in any order: nothing is taken yet), then `decide` for each in log order (the first decision takes
 * a baseline result), then `absent` for what nobody took (the ledger, src/policy/ledger.ts, does the three).
 */
export class BaselineIndex {
  // Baseline results by slot (parallel arrays, not an entry object per result), and an index per
  // tool and fingerprint name from the fingerprint's value to the first slot that has it: no key
  // string is built per result.
  private readonly runs: Run[] = [];
  private readonly results: Result[] = [];
  private readonly used: boolean[] = [];
  private readonly index = new Map<string, FingerprintIndex>();

  constructor(baseline: Log) {
    for (const run of baseline.runs ?? []) {
      const tool = toolName(run).toLowerCase();
      let spaces = this.index.get(tool);
      if (!spaces) this.index.set(tool, (spaces = { p: new Map(), f: new Map() }));
      for (const result of run.results ?? []) {
        if (result.baselineState === 'absent') continue; // fixed last time: not part of that state
        const slot = this.results.length;
        this.runs.push(run);
        this.results.push(result);
        this.used.push(false);
        const into = spaces;
        visitKeys(result, (kind, name, value) => {
          let byValue = into[kind].get(name);
          if (!byValue) into[kind].set(name, (byValue = new Map()));
          if (!byValue.has(value)) byValue.set(value, slot);
          return false;
        });
      }
    }
  }

  /** The fingerprint spaces of a run's tool (undefined: the baseline never saw that tool). */
  tool(run: Run): FingerprintIndex | undefined {
    return this.index.get(toolName(run).toLowerCase());
  }

  /** Every baseline result one of the result's keys finds, strongest key first (usually 0 or 1). */
  candidates(spaces: FingerprintIndex | undefined, result: Result): BaselineCandidate[] {
    const out: BaselineCandidate[] = [];
    if (!spaces) return out;
    visitKeys(result, (kind, name, value) => {
      const slot = spaces[kind].get(name)?.get(value);
      if (slot !== undefined && !out.some((c) => c.slot === slot)) out.push({ slot, same: materiallySame(this.results[slot]!, result) });
      return false;
    });
    return out;
  }

  /** The strongest candidate not taken yet, else the strongest: taken, and the result's state. */
  decide(candidates: readonly BaselineCandidate[]): 'new' | 'unchanged' | 'updated' {
    let hit: BaselineCandidate | undefined;
    for (const c of candidates) {
      if (!this.used[c.slot]) {
        hit = c;
        break;
      }
    }
    hit ??= candidates[0];
    if (!hit) return 'new';
    this.used[hit.slot] = true;
    return hit.same ? 'unchanged' : 'updated';
  }

  /**
   * Baseline results no current result took, as absent (fixed) results for the run of the same tool
   * (the last run of that name) — only when that tool ran this time, since a tool that did not run
   * fixed nothing.
   */
  absent(runs: readonly Run[]): { run: Run; result: Result }[] {
    const ranTools = new Map(runs.map((r) => [toolName(r).toLowerCase(), r]));
    const out: { run: Run; result: Result }[] = [];
    for (let slot = 0; slot < this.results.length; slot++) {
      if (this.used[slot]) continue;
      const target = ranTools.get(toolName(this.runs[slot]!).toLowerCase());
      if (!target) continue;
      const absent: Result = { ...structuredClone(this.results[slot]!), baselineState: 'absent' };
      delete absent.suppressions;
      delete absent.correlationGuid;
      // ruleIndex points into the baseline's rule list, not this run's.
      delete absent.ruleIndex;
      delete absent.rule;
      out.push({ run: target, result: absent });
    }
    return out;
  }
}

/** One tool's baseline results by fingerprint: kind (p: partial, f: full) → fingerprint name → value → slot. */
export type FingerprintIndex = Record<'p' | 'f', Map<string, Map<string, number>>>;

/**
 * The keys of baselineKeys, strongest first, as (kind, name, value) without building them; stops
 * when `visit` returns true. The common result has only secgate's own fingerprint: nothing to sort.
 */
function visitKeys(result: Result, visit: (kind: 'p' | 'f', name: string, value: string) => boolean): void {
  const partial = result.partialFingerprints;
  const own = partial?.[FINGERPRINT_KEY];
  if (own && visit('p', FINGERPRINT_KEY, `${own}`)) return;
  if (partial) {
    const names = Object.keys(partial);
    if (names.length > (own ? 1 : 0)) {
      for (const k of names.sort(byCodeUnit)) if (k !== FINGERPRINT_KEY && visit('p', k, `${partial[k]}`)) return;
    }
  }
  const full = result.fingerprints;
  if (full) for (const k of Object.keys(full).sort(byCodeUnit)) if (visit('f', k, `${full[k]}`)) return;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function materiallySame(a: Result, b: Result): boolean {
  return severityWord(a) === severityWord(b) && (a.message.text ?? '') === (b.message.text ?? '') && sameWhere(a, b);
}

function severityWord(r: Result): unknown {
  return (r.properties as { severity?: unknown } | undefined)?.severity ?? r.level;
}

/** Same "uri:line" of the first location, compared part by part (no string built for the common case). */
function sameWhere(a: Result, b: Result): boolean {
  const pa = a.locations?.[0]?.physicalLocation;
  const pb = b.locations?.[0]?.physicalLocation;
  const la: unknown = pa?.region?.startLine;
  const lb: unknown = pb?.region?.startLine;
  if ((pa?.artifactLocation?.uri ?? '') === (pb?.artifactLocation?.uri ?? '') && (la === lb || `${la ?? ''}` === `${lb ?? ''}`)) return true;
  // Lines that are numbers (or absent) hold no ':', so differing parts make differing strings; a
  // hostile non-number line could still make "uri:line" collide: compare the strings then.
  if ((la === undefined || typeof la === 'number') && (lb === undefined || typeof lb === 'number')) return false;
  return whereOf(pa) === whereOf(pb);
}

function whereOf(p: PhysicalLocation | undefined): string {
  return `${p?.artifactLocation?.uri ?? ''}:${p?.region?.startLine ?? ''}`;
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
