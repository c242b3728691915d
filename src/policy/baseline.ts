import type { Log, Result, Run } from 'sarif';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { toolName } from '../sarif/props.js';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';

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
 *
 * No baseline result is held: a slot keeps its run, whether it was taken, and the id of its
 * "materially the same" key; fingerprints are interned off the heap (KeyTable). `absent` walks the
 * baseline's results again — a run's `results` may be any iterable that yields the same results each
 * time, such as a streamed report's LazyArray, so a 150 MB baseline is never in memory.
 */
export class BaselineIndex {
  private readonly tools: string[] = [];
  private readonly results: Iterable<Result>[] = [];
  private slotRun = new Int32Array(1024);
  private sameIds = new Int32Array(1024);
  private used = new Uint8Array(1024);
  private count = 0;
  /** How many slots are used. */
  private taken = 0;
  /** The "materially the same" keys of the baseline's results (sameKey), interned. */
  private readonly sameKeys = new KeyTable();
  private readonly index = new Map<string, FingerprintIndex>();

  constructor(baseline: Log) {
    for (const run of baseline.runs ?? []) {
      const tool = toolName(run).toLowerCase();
      const r = this.tools.length;
      const results: Iterable<Result> = run.results ?? [];
      this.tools.push(tool);
      this.results.push(results);
      let spaces = this.index.get(tool);
      if (!spaces) this.index.set(tool, (spaces = { p: new Map(), f: new Map() }));
      const into = spaces;
      for (const result of results) {
        if (result.baselineState === 'absent') continue; // fixed last time: not part of that state
        const slot = this.count++;
        this.slotRun = grown(this.slotRun, slot);
        this.sameIds = grown(this.sameIds, slot);
        this.used = grown(this.used, slot);
        this.slotRun[slot] = r;
        const same = sameKey(result);
        this.sameIds[slot] = same === undefined ? -1 : this.sameKeys.add(same);
        visitKeys(result, (kind, name, value) => {
          let byValue = into[kind].get(name);
          if (!byValue) into[kind].set(name, (byValue = new ValueIndex()));
          byValue.addFirst(value, slot);
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
    let sameId: number | undefined;
    visitKeys(result, (kind, name, value) => {
      const slot = spaces[kind].get(name)?.slotOf(value) ?? -1;
      if (slot >= 0 && !out.some((c) => c.slot === slot)) {
        if (sameId === undefined) {
          const key = sameKey(result);
          sameId = key === undefined ? -1 : this.sameKeys.find(key);
        }
        out.push({ slot, same: sameId >= 0 && this.sameIds[slot] === sameId });
      }
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
    if (!this.used[hit.slot]) this.taken++;
    this.used[hit.slot] = 1;
    return hit.same ? 'unchanged' : 'updated';
  }

  /**
   * Baseline results no current result took, as absent (fixed) results for the run of the same tool
   * (the last run of that name) — only when that tool ran this time, since a tool that did not run
   * fixed nothing. The baseline's results are walked again, in the order their slots were numbered.
   */
  absent(runs: readonly Run[]): { run: Run; result: Result }[] {
    const ranTools = new Map(runs.map((r) => [toolName(r).toLowerCase(), r]));
    const out: { run: Run; result: Result }[] = [];
    // Every baseline result taken, or none of its tools ran: nothing to walk the baseline again for.
    if (this.taken === this.count || !this.tools.some((t) => ranTools.has(t))) return out;
    let slot = 0;
    for (let r = 0; r < this.tools.length; r++) {
      const target = ranTools.get(this.tools[r]!);
      for (const result of this.results[r]!) {
        if (result.baselineState === 'absent') continue;
        if (slot >= this.count || this.slotRun[slot] !== r) throw changedWhileRead();
        const taken = this.used[slot++];
        if (taken || !target) continue;
        const absent: Result = { ...structuredClone(result), baselineState: 'absent' };
        delete absent.suppressions;
        delete absent.correlationGuid;
        // ruleIndex points into the baseline's rule list, not this run's.
        delete absent.ruleIndex;
        delete absent.rule;
        out.push({ run: target, result: absent });
      }
    }
    if (slot !== this.count) throw changedWhileRead();
    return out;
  }
}

const changedWhileRead = () => new Error('internal: the baseline gave other results the second time it was read (was its file changed while secgate ran?)');

/** One tool's baseline results by fingerprint: kind (p: partial, f: full) → fingerprint name → value → slot. */
export type FingerprintIndex = Record<'p' | 'f', Map<string, ValueIndex>>;

/** Fingerprint values (interned off the heap) → the first baseline slot that has each. */
class ValueIndex {
  private readonly values = new KeyTable();
  private slots = new Int32Array(64);

  addFirst(value: string, slot: number): void {
    const before = this.values.size;
    const id = this.values.add(value);
    if (this.values.size === before) return; // the first slot with a value keeps it
    this.slots = grown(this.slots, id);
    this.slots[id] = slot;
  }

  slotOf(value: string): number {
    const id = this.values.find(value);
    return id < 0 ? -1 : this.slots[id]!;
  }
}

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

/**
 * What "materially the same" compares, as one string: the severity word and the message text as
 * `===` compares them, and the first location as "uri:line" (a hostile non-number line can make
 * two locations' "uri:line" meet: the string is what counts, as it always did). undefined when a
 * part is an object or NaN, which `===` finds equal to nothing read from another file. Parts are
 * length-prefixed, so no text can forge another split.
 */
function sameKey(r: Result): string | undefined {
  const severity = part((r.properties as { severity?: unknown } | undefined)?.severity ?? r.level);
  const message = part((r.message as { text?: unknown } | undefined)?.text ?? '');
  if (severity === undefined || message === undefined) return undefined;
  const p = r.locations?.[0]?.physicalLocation;
  const where = `${p?.artifactLocation?.uri ?? ''}:${p?.region?.startLine ?? ''}`;
  return `${severity.length}:${severity}${message.length}:${message}${where}`;
}

/** A value as `===` tells it from others, of other types too ("1" ≠ 1); undefined for what equals nothing. */
function part(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return Number.isNaN(v) ? undefined : `n${v}`;
    case 'boolean':
      return `b${v}`;
    case 'bigint':
      return `i${v}`;
    case 'undefined':
      return 'u';
    default:
      return v === null ? 'l' : undefined;
  }
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
