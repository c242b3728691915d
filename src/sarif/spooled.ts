import type { Result } from 'sarif';
import { grown } from '../io/grown.js';
import type { ResultSpool, SpoolSegment } from '../io/result-spool.js';
import { GITHUB_LIMITS } from './github-limits.js';
import { withMembers, type SpooledResults, type SpoolPatch } from './spooled-types.js';

/**
 * One run's results written to a spool segment as the adapter builds them (`add`), then read back
 * through `SpooledResults` (`seal`). Per result the heap keeps its line offset (in the segment),
 * an interned ruleId code, its ruleIndex, a baselineState code and a needsObjectAt flag: 18 bytes,
 * not the result.
 */
export class SpooledRunBuilder {
  private readonly segment: SpoolSegment;
  private readonly ruleIdCodes = new Map<string, number>();
  private readonly ruleIdNames: string[] = [];
  private ruleIds = new Int32Array(1024);
  private ruleIndexes = new Int32Array(1024);
  private states = new Uint8Array(1024);
  /** Results fitGithubLimits must change as objects (needsObjectAt). */
  private objects = new Uint8Array(1024);
  /** baselineStates outside SARIF's four (an input's invalid value is kept as it was, not dropped). */
  private readonly otherStates = new Map<number, unknown>();
  private n = 0;
  private sealed: SpooledRun | undefined;

  constructor(spool: ResultSpool) {
    this.segment = spool.segment();
  }

  get count(): number {
    return this.n;
  }

  /**
   * Spool one result; returns its index. The text leaves out `ruleIndex`, `baselineState` and
   * `correlationGuid` (written after it by `texts`): ruleIndex and baselineState are kept here
   * (a patch's baselineState replaces the adapter's), an input's correlationGuid is not (the gate
   * correlates every result). The object is left as it was.
   */
  add(result: Result): number {
    if (this.sealed) throw new Error('SpooledRunBuilder.add after seal()');
    const r = result as Result & { ruleIndex?: unknown; baselineState?: unknown; correlationGuid?: unknown };
    const ruleIndex = r.ruleIndex;
    const state = r.baselineState;
    const guid = r.correlationGuid;
    // Only an index that can be one is taken out (anything else stays in the text, as written now).
    const indexed = typeof ruleIndex === 'number' && Number.isInteger(ruleIndex) && ruleIndex >= 0 && ruleIndex <= 0x7fffffff;
    // Set to undefined, not deleted: JSON.stringify skips them, and the object keeps its shape (fast).
    if (indexed) r.ruleIndex = undefined;
    if (state !== undefined) r.baselineState = undefined;
    if (guid !== undefined) r.correlationGuid = undefined;
    let text: string;
    try {
      text = JSON.stringify(result);
    } finally {
      if (indexed) r.ruleIndex = ruleIndex;
      if (state !== undefined) r.baselineState = state;
      if (guid !== undefined) r.correlationGuid = guid;
    }
    const i = this.segment.append(text);
    this.ruleIds = grown(this.ruleIds, i);
    this.ruleIndexes = grown(this.ruleIndexes, i);
    this.states = grown(this.states, i);
    this.objects = grown(this.objects, i);
    const id = result.ruleId ?? result.rule?.id;
    this.ruleIds[i] = typeof id === 'string' ? this.intern(id) : -1;
    this.ruleIndexes[i] = indexed ? ruleIndex : -1;
    const code = state === undefined ? 0 : STATE_CODES.get(state as string) ?? OTHER;
    this.states[i] = code;
    if (code === OTHER) this.otherStates.set(i, state);
    this.objects[i] = needsObject(result) ? 1 : 0;
    this.n = i + 1;
    return i;
  }

  /** No more results: the segment is flushed and read back through the returned object. */
  seal(): SpooledRun {
    if (this.sealed) return this.sealed;
    this.segment.seal();
    const n = this.n;
    const store: Store = {
      segment: this.segment,
      count: n,
      ruleIdNames: this.ruleIdNames,
      ruleIds: this.ruleIds.subarray(0, n),
      ruleIndexes: this.ruleIndexes.subarray(0, n),
      states: this.states.subarray(0, n),
      objects: this.objects.subarray(0, n),
      otherStates: this.otherStates,
      patch: undefined,
      extras: [],
    };
    this.sealed = new SpooledRun(store, 0, n, undefined);
    return this.sealed;
  }

  private intern(id: string): number {
    let code = this.ruleIdCodes.get(id);
    if (code === undefined) {
      code = this.ruleIdNames.length;
      this.ruleIdNames.push(id);
      this.ruleIdCodes.set(id, code);
    }
    return code;
  }

}

/** A result fitGithubLimits changes as an object: a `rule` member, or over 1,000 locations or related locations. */
function needsObject(result: Result): boolean {
  return (
    result.rule !== undefined ||
    (Array.isArray(result.locations) && result.locations.length > GITHUB_LIMITS.locationsPerResult) ||
    (Array.isArray(result.relatedLocations) && result.relatedLocations.length > GITHUB_LIMITS.locationsPerResult)
  );
}

const STATES = [undefined, 'new', 'unchanged', 'updated', 'absent'] as const;
const STATE_CODES = new Map<string, number>(STATES.flatMap((s, i) => (s ? [[s, i] as [string, number]] : [])));
const OTHER = STATES.length;

/** What a run and all its views share. */
interface Store {
  readonly segment: SpoolSegment;
  readonly count: number;
  readonly ruleIdNames: readonly string[];
  readonly ruleIds: Int32Array;
  readonly ruleIndexes: Int32Array;
  readonly states: Uint8Array;
  readonly objects: Uint8Array;
  readonly otherStates: ReadonlyMap<number, unknown>;
  patch: ((i: number) => SpoolPatch) | undefined;
  extras: Result[];
}

const NO_PATCH: SpoolPatch = Object.freeze({});
const NO_EXTRAS: Result[] = Object.freeze([]) as unknown as Result[];

type Renumber = (ruleIndex: number) => number;

/** `before` (a view's own renumbering), then the map; a ruleIndex not in the map is kept as it is. */
function renumberBy(map: ReadonlyMap<number, number> | undefined, before?: Renumber): Renumber | undefined {
  if (!map) return before;
  if (!before) return (ri) => map.get(ri) ?? ri;
  return (ri) => {
    const r = before(ri);
    return map.get(r) ?? r;
  };
}

/**
 * A run's spooled results (from … to-1 of its segment; the whole run unless it is a `view`).
 * Indexes given to and taken from this object are relative to it; the patch function set with
 * `setPatch` takes indexes of the whole run (as `add` returned them), whichever view calls it.
 */
export class SpooledRun implements SpooledResults {
  readonly spooled = true as const;

  /** @internal made by SpooledRunBuilder.seal() and view() */
  constructor(
    private readonly store: Store,
    private readonly from: number,
    private readonly to: number,
    /** Renumbering of ruleIndex applied by this view (before a map given to `texts`). */
    private readonly renumber: Renumber | undefined,
  ) {}

  get count(): number {
    return this.to - this.from;
  }

  get length(): number {
    return this.count + this.extras.length;
  }

  /** Results after the spooled ones (absent results from --baseline): the run's own array, only in a view that reaches its end. */
  get extras(): Result[] {
    return this.to === this.store.count ? this.store.extras : NO_EXTRAS;
  }

  set extras(extras: Result[]) {
    if (this.to !== this.store.count) throw new Error('SpooledRun: extras can only be set on a view that reaches the end of its run');
    this.store.extras = extras;
  }

  /** The gate's decisions, by index in the whole run (called once per result per read: keep it cheap). */
  setPatch(fn: ((i: number) => SpoolPatch) | undefined): void {
    this.store.patch = fn;
  }

  ruleIdAt(i: number): string | undefined {
    const code = this.store.ruleIds[this.index(i)]!;
    return code < 0 ? undefined : this.store.ruleIdNames[code];
  }

  /** ruleIndex of result i, renumbered by this view's map when it has one (-1: none). */
  ruleIndexAt(i: number): number {
    const ri = this.store.ruleIndexes[this.index(i)]!;
    return ri < 0 || !this.renumber ? ri : this.renumber(ri);
  }

  /** baselineState of result i as the adapter left it (a patch's replaces it in `texts` and `at`). */
  baselineStateAt(i: number): Result['baselineState'] {
    const k = this.index(i);
    const code = this.store.states[k]!;
    return (code === OTHER ? this.store.otherStates.get(k) : STATES[code]) as Result['baselineState'];
  }

  /** Result i has a `rule` member or over 1,000 locations or related locations (noted by `add`). */
  needsObjectAt(i: number): boolean {
    return this.store.objects[this.index(i)] === 1;
  }

  patch(i: number): SpoolPatch {
    const fn = this.store.patch;
    return fn ? fn(this.index(i)) : NO_PATCH;
  }

  *texts(from = 0, to = this.count, ruleIndexMap?: ReadonlyMap<number, number>): Generator<string, void, undefined> {
    this.checkRange(from, to);
    const renumber = renumberBy(ruleIndexMap, this.renumber);
    let k = this.from + from;
    for (const line of this.store.segment.lines(this.from + from, this.from + to)) {
      yield withMembers(line, this.tail(k++, renumber));
    }
  }

  at(i: number): Result {
    const k = this.index(i);
    const result = JSON.parse(this.store.segment.line(k)) as Result;
    const ri = this.store.ruleIndexes[k]!;
    if (ri >= 0) result.ruleIndex = this.renumber ? this.renumber(ri) : ri;
    const patch = this.store.patch?.(k);
    const state = patch?.baselineState ?? this.baselineStateAt(i);
    if (state !== undefined) result.baselineState = state;
    if (patch?.correlationGuid !== undefined) result.correlationGuid = patch.correlationGuid;
    return result;
  }

  /** Results from … to-1 of this one, as its own SpooledResults; ruleIndex renumbered through the map when given. */
  view(from: number, to: number, ruleIndexMap?: ReadonlyMap<number, number>): SpooledRun {
    this.checkRange(from, to);
    // This view's renumbering first, then the new map's.
    return new SpooledRun(this.store, this.from + from, this.from + to, renumberBy(ruleIndexMap, this.renumber));
  }

  *[Symbol.iterator](): Generator<Result, void, undefined> {
    // A text is the result with its members in place: parsing it gives at(i), read sequentially.
    for (const text of this.texts()) yield JSON.parse(text) as Result;
    yield* this.extras;
  }

  /** The members written after result k's own text (`"k":v,…`), each as JSON.stringify writes it. */
  private tail(k: number, renumber: Renumber | undefined): string {
    const store = this.store;
    let tail = '';
    const ri = store.ruleIndexes[k]!;
    if (ri >= 0) tail = `,"ruleIndex":${renumber ? renumber(ri) : ri}`;
    const patch = store.patch?.(k);
    const code = store.states[k]!;
    const state = patch?.baselineState ?? (code === OTHER ? store.otherStates.get(k) : STATES[code]);
    if (state !== undefined) tail += `,"baselineState":${JSON.stringify(state)}`;
    if (patch?.correlationGuid !== undefined) tail += `,"correlationGuid":${JSON.stringify(patch.correlationGuid)}`;
    return tail.slice(1);
  }

  private index(i: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`spooled result ${i} out of 0 … ${this.count - 1}`);
    return this.from + i;
  }

  private checkRange(from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= this.count)) {
      throw new RangeError(`spooled results ${from} … ${to} out of 0 … ${this.count}`);
    }
  }
}
