import type { Log, Result, Run } from 'sarif';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';
import type { PolicyConfig, ThresholdRule } from '../config/sections/policy.js';
import { Correlator } from '../sarif/correlate.js';
import { isFinding, isSuppressed, locationUri, props, severityOf, startLine, toolName } from '../sarif/props.js';
import { findingsOf } from '../report/findings.js';
import { SEVERITIES } from '../sarif/severity.js';
import { SummaryTally, type Summary } from '../sarif/summary.js';
import { isSpooled, type SpooledResults } from '../sarif/spooled-types.js';
import { BaselineIndex, type BaselineCandidate, type BaselineCounts, type FingerprintIndex } from './baseline.js';
import { isNewSince, type ChangeSet } from './diff-base.js';
import { decideVerdict, findingRef, type ThresholdTally } from './evaluate.js';
import { fixedFindingsOf } from './explain.js';
import { matches } from './match.js';
import { firstSorted } from './top.js';
import type { BaselineInfo, FindingRef, Verdict } from './verdict.js';
import { VexIndex, type VexStatement, type VexUse } from './vex.js';
import { WaiverApplier, type Waiver } from './waivers.js';

export interface LedgerInputs {
  policy: PolicyConfig;
  /** Injected clock: waiver expiry reads this, never Date.now(). */
  now: Date;
  baseline?: { log: Log; label: string } | undefined;
  changes?: ChangeSet | undefined;
  /** secgate.yml's waivers and the scanners' ignore files', in that order. */
  waivers: readonly Waiver[];
  vex?: { file: string; format: VexUse['format']; statements: VexStatement[] }[] | undefined;
}

// Per-result flags.
const FINDING = 1;
const SUPPRESSED = 2;
const VERSIONED_PACKAGE = 4;
// baselineState codes.
const STATES = [undefined, 'new', 'unchanged', 'updated'] as const;
const NEW = 1;
const UNCHANGED = 2;

/**
 * The gate's account of every result, kept as compact per-result keys instead of the results:
 * correlation node, severity, flags, which thresholds it matches, its baseline candidates, and the
 * two strings a top-N list sorts by. `observe` judges one result alone the moment it is built —
 * waivers and VEX (it gets its suppressions then), the static part of every threshold matcher,
 * its fingerprints against the baseline — so results can be written to a spool file straight
 * after (src/sarif/spooled.ts) and never held. `finish` decides what needs them all, in log
 * order: correlation classes, baseline states (the first result to claim a baseline result takes
 * it), diff-base, distinct counts per threshold, the summary, and the verdict.
 *
 * gate() (src/pipeline.ts) uses the same ledger over a log in memory, so the two ways decide alike.
 */
export class Ledger {
  private readonly rules: readonly ThresholdRule[];
  /** The rules without their `new` matcher: that part waits for the baseline state (finish). */
  private readonly staticRules: readonly ThresholdRule[];
  private readonly words: number;
  private readonly correlator = new Correlator();
  private readonly waivers: WaiverApplier;
  private readonly vex: VexIndex;
  private readonly baseline: BaselineIndex | undefined;

  // Per run slot.
  private readonly headers: Run[] = [];
  private readonly slotIds: Grow<Int32Array>[] = [];
  private readonly baselineTools: (FingerprintIndex | undefined)[] = [];
  private readonly containers: (Result[] | SpooledResults | undefined)[] = [];
  private readonly slotByRun = new Map<Run, number>();
  private readonly slotByContainer = new Map<object, number>();

  // Per result (by id, the order results were observed in).
  private n = 0;
  private readonly slot = new Grow(Int32Array);
  private readonly index = new Grow(Int32Array);
  private readonly node = new Grow(Int32Array);
  private readonly severity = new Grow(Uint8Array);
  private readonly flags = new Grow(Uint8Array);
  private readonly masks: Grow<Uint32Array>;
  private readonly firstCandidate = new Grow(Int32Array);
  private readonly firstSame = new Grow(Uint8Array);
  private readonly moreCandidates = new Map<number, BaselineCandidate[]>();
  private readonly diffNew = new Grow(Uint8Array);
  /** The strings a top-N list sorts by, interned off the heap (rules and files repeat): ids, -1 for none. */
  private readonly strings = new KeyTable();
  private readonly ruleIds = new Grow(Int32Array);
  private readonly where = new Grow(Int32Array);
  private readonly uris = new Grow(Int32Array);
  private readonly lines = new Grow(Int32Array);

  constructor(private readonly inputs: LedgerInputs) {
    const { policy } = inputs;
    this.rules = [...policy.fail_on, ...policy.warn_on];
    this.staticRules = this.rules.map((r) => {
      if (r.new === undefined) return r;
      const { new: _new, ...rest } = r;
      return rest;
    });
    this.words = Math.max(1, Math.ceil(this.rules.length / 32));
    this.masks = new Grow(Uint32Array);
    // Checked here, before any report is read: a waiver past waiver_max_days is bad config (exit 2).
    this.waivers = new WaiverApplier(inputs.waivers, { now: inputs.now, maxDays: policy.waiver_max_days ?? 365, warnDays: policy.waiver_warn_days ?? 14 });
    this.vex = new VexIndex(inputs.vex ?? []);
    this.baseline = inputs.baseline ? new BaselineIndex(inputs.baseline.log) : undefined;
  }

  /**
   * A run whose results will be observed. `header` is the run or a stand-in with what results are
   * judged by (tool.driver.name, properties.kind); `container` its results array when they stay in
   * memory (later: `bind` for a spooled run).
   */
  openRun(header: Run, container?: Result[]): number {
    const slot = this.headers.length;
    this.headers.push(header);
    this.slotIds.push(new Grow(Int32Array));
    this.baselineTools.push(this.baseline?.tool(header));
    this.containers.push(container);
    this.slotByRun.set(header, slot);
    if (container) this.slotByContainer.set(container, slot);
    return slot;
  }

  /** The results of a slot, once they are spooled (SpooledRunBuilder.seal()). */
  bind(slot: number, results: SpooledResults): void {
    this.containers[slot] = results;
    this.slotByContainer.set(results, slot);
  }

  /** Judge one result alone; it may gain suppressions (waivers, VEX) — before it is written anywhere. */
  observe(slot: number, result: Result): void {
    const run = this.headers[slot]!;
    const id = this.n++;
    this.slot.set(id, slot);
    const ids = this.slotIds[slot]!;
    this.index.set(id, ids.length);
    ids.push(id);
    this.node.set(id, this.correlator.add(run, result));
    let flags = Correlator.isVersionedPackageFinding(result) ? VERSIONED_PACKAGE : 0;
    if (this.baseline) {
      const found = this.baseline.candidates(this.baselineTools[slot], result);
      this.firstCandidate.set(id, found.length ? found[0]!.slot : -1);
      this.firstSame.set(id, found[0]?.same ? 1 : 0);
      if (found.length > 1) this.moreCandidates.set(id, found);
    }
    if (this.inputs.changes) this.diffNew.set(id, isNewSince(result, this.inputs.changes) ? NEW : UNCHANGED);
    this.waivers.apply(run, result);
    this.vex.apply(result);
    if (isFinding(result)) flags |= FINDING;
    if (isSuppressed(result)) flags |= SUPPRESSED;
    this.flags.set(id, flags);
    this.severity.set(id, SEVERITIES.indexOf(severityOf(result)));
    const base = id * this.words;
    for (let w = 0; w < this.words; w++) this.masks.set(base + w, 0);
    if (flags & FINDING && !(flags & SUPPRESSED)) {
      for (let r = 0; r < this.rules.length; r++) {
        if (matches(this.staticRules[r]!, run, result)) this.masks.or(base + (r >>> 5), 1 << (r & 31));
      }
    }
    this.ruleIds.set(id, typeof result.ruleId === 'string' ? this.strings.add(result.ruleId) : -1);
    const uri = locationUri(result);
    const uriId = uri === undefined ? -1 : this.strings.add(uri);
    const where = (props(result).url ?? uri) || '';
    this.uris.set(id, uriId);
    this.where.set(id, where === uri ? uriId : this.strings.add(where));
    this.lines.set(id, startLine(result) ?? 0);
  }

  /**
   * Everything that needs all the results, over `log` (merged: its runs in their final order, each
   * one a run opened here). Absent baseline results are appended to their runs (to a spooled run's
   * extras); in-memory results get correlationGuid and baselineState, spooled ones a patch.
   */
  finish(log: Log): Verdict {
    const order = this.logOrder(log);
    const runOf = (id: number) => this.headers[this.slot.get(id)]!;

    if (this.correlator.needsVersionedPass) {
      for (const id of order) if (this.flags.get(id) & VERSIONED_PACKAGE) this.correlator.joinVersionless(this.node.get(id), this.result(id));
    }

    // Baseline states, in log order (the first result to claim a baseline result takes it).
    const state = new Uint8Array(this.n);
    let baselineInfo: BaselineInfo | undefined;
    const absent: { run: Run; result: Result }[] = [];
    if (this.baseline || this.inputs.changes) {
      const counts: BaselineCounts = { new: 0, unchanged: 0, updated: 0, absent: 0 };
      if (this.baseline) {
        for (const id of order) {
          const first = this.firstCandidate.get(id);
          const candidates = first < 0 ? [] : (this.moreCandidates.get(id) ?? [{ slot: first, same: this.firstSame.get(id) === 1 }]);
          const s = this.baseline.decide(candidates);
          state[id] = STATES.indexOf(s);
          counts[s]++;
        }
        absent.push(...this.baseline.absent(log.runs));
        counts.absent = absent.length;
      }
      if (this.inputs.changes) {
        for (const id of order) {
          if (state[id]) continue;
          state[id] = this.diffNew.get(id);
          counts[state[id] === NEW ? 'new' : 'unchanged']++;
        }
      }
      const against = [this.inputs.baseline ? `baseline ${this.inputs.baseline.label}` : '', this.inputs.changes ? `diff-base ${this.inputs.changes.ref}` : ''].filter(Boolean).join(' + ');
      baselineInfo = { against, counts, fixed: fixedFindingsOf(absent) };
    }

    this.writeBack(log, state, absent);

    const tallies = this.countThresholds(order, state, runOf);
    const summary = this.summarise(log);
    return decideVerdict(log, this.inputs.policy, { waivers: this.waivers.statuses(), vex: this.vex.uses, ...(baselineInfo ? { baseline: baselineInfo } : {}) }, tallies, summary);
  }

  /** Result ids in log order; every run must be one opened here (a result the gate never saw would go unjudged). */
  private logOrder(log: Log): Int32Array {
    const order = new Int32Array(this.n);
    let k = 0;
    for (const run of log.runs) {
      const slot = this.slotOf(run);
      if (slot === undefined) {
        const count = run.results?.length ?? 0;
        if (count) throw new Error(`internal: run ${toolName(run)} has ${count} results the gate never observed`);
        continue;
      }
      const ids = this.slotIds[slot]!;
      for (let i = 0; i < ids.length; i++) order[k++] = ids.get(i);
    }
    if (k !== this.n) throw new Error(`internal: ${this.n - k} observed results are in no run of the log`);
    return order;
  }

  private slotOf(run: Run): number | undefined {
    return this.slotByRun.get(run) ?? (run.results ? this.slotByContainer.get(run.results) : undefined);
  }

  /** Result `id` as an object (from memory, or read back from the spool with its patch). */
  private result(id: number): Result {
    const c = this.containers[this.slot.get(id)]!;
    const i = this.index.get(id);
    return isSpooled(c) ? c.at(i) : c[i]!;
  }

  /** correlationGuid and baselineState onto each result (or its spool patch); absent results into their runs. */
  private writeBack(log: Log, state: Uint8Array, absent: { run: Run; result: Result }[]): void {
    for (const run of log.runs) {
      const slot = this.slotOf(run);
      if (slot === undefined) continue;
      const c = this.containers[slot];
      const ids = this.slotIds[slot]!;
      if (isSpooled(c)) {
        c.setPatch((i) => {
          const id = ids.get(i);
          const s = STATES[state[id]!];
          return s ? { baselineState: s, correlationGuid: this.correlator.guidOf(this.node.get(id)) } : { correlationGuid: this.correlator.guidOf(this.node.get(id)) };
        });
      } else if (c) {
        for (let i = 0; i < ids.length; i++) {
          const id = ids.get(i);
          const r = c[i]!;
          r.correlationGuid = this.correlator.guidOf(this.node.get(id));
          const s = STATES[state[id]!];
          if (s) r.baselineState = s;
        }
      }
    }
    for (const { run, result } of absent) {
      const slot = this.slotOf(run);
      const c = slot === undefined ? undefined : this.containers[slot];
      if (isSpooled(c)) c.extras.push(result);
      else (run.results ??= []).push(result);
    }
  }

  /** Per threshold: the distinct findings (classes) it matches, each with its most important sighting. */
  private countThresholds(order: Int32Array, state: Uint8Array, runOf: (id: number) => Run): ThresholdTally[] {
    const tallies = this.rules.map(() => ({ slotOf: new Map<number, number>(), reps: [] as number[] }));
    if (!this.rules.length) return [];
    const cmp = (a: number, b: number) => this.importance(a, b, runOf);
    for (const id of order) {
      const flags = this.flags.get(id);
      if (!(flags & FINDING) || flags & SUPPRESSED) continue;
      const base = id * this.words;
      let cls = -1;
      for (let r = 0; r < this.rules.length; r++) {
        if (!(this.masks.get(base + (r >>> 5)) & (1 << (r & 31)))) continue;
        const want = this.rules[r]!.new;
        // isNew: no state (no baseline) or 'new'.
        if (want !== undefined && (state[id] === 0 || state[id] === NEW) !== want) continue;
        if (cls < 0) cls = this.correlator.classOf(this.node.get(id));
        const t = tallies[r]!;
        const at = t.slotOf.get(cls);
        if (at === undefined) {
          t.slotOf.set(cls, t.reps.length);
          t.reps.push(id);
        } else if (cmp(id, t.reps[at]!) < 0) t.reps[at] = id;
      }
    }
    return tallies.map((t) => ({
      count: t.reps.length,
      top: (k: number) =>
        firstSorted(t.reps, k, cmp).map((id) => {
          const r = this.result(id);
          return findingRef(runOf(id), r);
        }),
    }));
  }

  /**
   * The `k` open findings (not suppressed, not absent) a report lists first — findings.ts's
   * bySeverity over the kept keys — and how many are open. Only the `k` are read back.
   */
  topOpen(k: number): { shown: FindingRef[]; count: number } {
    const open: number[] = [];
    for (let id = 0; id < this.n; id++) if (!(this.flags.get(id) & SUPPRESSED)) open.push(id);
    const tool = (id: number) => toolName(this.headers[this.slot.get(id)]!);
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const order = (a: number, b: number) =>
      this.severity.get(a) - this.severity.get(b) ||
      cmp(tool(a), tool(b)) ||
      this.compareIds(this.ruleIds, a, b, '(no rule)', cmp) ||
      this.compareIds(this.uris, a, b, '', cmp) ||
      this.lines.get(a) - this.lines.get(b);
    const shown = firstSorted(open, k, order).map((id) => {
      const header = this.headers[this.slot.get(id)]!;
      const f = findingsOf({ version: '2.1.0', runs: [{ tool: header.tool, results: [this.result(id)] }] } as Log)[0]!;
      return { tool: f.tool, ruleId: f.ruleId, severity: f.severity, message: f.message, package: f.package, location: f.uri ?? f.url, line: f.line, fixedVersions: f.fixedVersions } as FindingRef;
    });
    return { shown, count: open.length };
  }

  /** importance() (evaluate.ts) over the kept keys: most severe, then rule, location and tool. */
  private importance(a: number, b: number, runOf: (id: number) => Run): number {
    return (
      this.severity.get(a) - this.severity.get(b) ||
      this.compareIds(this.ruleIds, a, b, 'unknown', localeOrder) ||
      this.compareIds(this.where, a, b, '', localeOrder) ||
      toolName(runOf(a)).localeCompare(toolName(runOf(b)))
    );
  }

  /** Results a and b by the interned string each has in `column` (`none` for -1); the same id compares equal unread. */
  private compareIds(column: Grow<Int32Array>, a: number, b: number, none: string, cmp: (x: string, y: string) => number): number {
    const x = column.get(a);
    const y = column.get(b);
    if (x === y) return 0;
    return cmp(x < 0 ? none : this.strings.get(x), y < 0 ? none : this.strings.get(y));
  }

  /** summarise() (summary.ts) over the kept keys. */
  private summarise(log: Log): Summary {
    const tally = new SummaryTally(log.runs);
    log.runs.forEach((run, runIndex) => {
      const slot = this.slotOf(run);
      if (slot === undefined) return;
      const ids = this.slotIds[slot]!;
      for (let i = 0; i < ids.length; i++) {
        const id = ids.get(i);
        const flags = this.flags.get(id);
        if (!(flags & FINDING)) continue;
        if (flags & SUPPRESSED) tally.suppressed(runIndex);
        else tally.add(runIndex, SEVERITIES[this.severity.get(id)]!, this.correlator.classOf(this.node.get(id)));
      }
    });
    return tally.finish();
  }
}

const localeOrder = (x: string, y: string) => x.localeCompare(y);

/** A typed array that grows (by doubling): 4 bytes a result, not an object. */
class Grow<T extends Int32Array | Uint8Array | Uint32Array> {
  private data: T;
  length = 0;
  constructor(Ctor: new (n: number) => T) {
    this.data = new Ctor(1024);
  }
  get(i: number): number {
    return this.data[i]!;
  }
  set(i: number, v: number): void {
    this.data = grown(this.data, i);
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
  or(i: number, v: number): void {
    this.data[i] = (this.data[i]! | v) >>> 0;
  }
  push(v: number): void {
    this.set(this.length, v);
  }
}
