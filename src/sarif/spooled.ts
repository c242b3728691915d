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
    this.sealed = new SpooledRun({
      segment: this.segment,
      count: n,
      ruleIdNames: this.ruleIdNames,
      ruleIds: this.ruleIds.subarray(0, n),
      ruleIndexes: this.ruleIndexes.subarray(0, n),
      states: this.states.subarray(0, n),
      objects: this.objects.subarray(0, n),
      otherStates: this.otherStates,
    });
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

/** Characters of spooled texts parsed together when the results are walked. */
const WALK_BATCH = 64 << 10;

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

/** What seal() gives the run: its segment and the compact columns, `count` long. */
interface Columns {
  readonly segment: SpoolSegment;
  readonly count: number;
  readonly ruleIdNames: readonly string[];
  readonly ruleIds: Int32Array;
  readonly ruleIndexes: Int32Array;
  readonly states: Uint8Array;
  readonly objects: Uint8Array;
  readonly otherStates: ReadonlyMap<number, unknown>;
}

const NO_PATCH: SpoolPatch = Object.freeze({});

/**
 * A run's spooled results, read back. A part of it (fitGithubLimits: 25,000 results per run) is a
 * SpooledPart over it (github-limits.ts).
 */
export class SpooledRun implements SpooledResults {
  readonly spooled = true as const;
  /** Results after the spooled ones (absent results from --baseline). */
  extras: Result[] = [];
  private patchOf: ((i: number) => SpoolPatch) | undefined;

  /** @internal made by SpooledRunBuilder.seal() */
  constructor(private readonly columns: Columns) {}

  get count(): number {
    return this.columns.count;
  }

  get length(): number {
    return this.count + this.extras.length;
  }

  /** The gate's decisions (SpooledResults.setPatch). */
  setPatch(fn: ((i: number) => SpoolPatch) | undefined): void {
    this.patchOf = fn;
  }

  ruleIdAt(i: number): string | undefined {
    const code = this.columns.ruleIds[this.index(i)]!;
    return code < 0 ? undefined : this.columns.ruleIdNames[code];
  }

  ruleIndexAt(i: number): number {
    return this.columns.ruleIndexes[this.index(i)]!;
  }

  /** baselineState of result i as the adapter left it (a patch's replaces it in `texts` and `at`). */
  baselineStateAt(i: number): Result['baselineState'] {
    return this.adapterState(this.index(i)) as Result['baselineState'];
  }

  /** Result i has a `rule` member or over 1,000 locations or related locations (noted by `add`). */
  needsObjectAt(i: number): boolean {
    return this.columns.objects[this.index(i)] === 1;
  }

  patch(i: number): SpoolPatch {
    const fn = this.patchOf;
    return fn ? fn(this.index(i)) : NO_PATCH;
  }

  *texts(from = 0, to = this.count, ruleIndexMap?: ReadonlyMap<number, number>): Generator<string, void, undefined> {
    this.checkRange(from, to);
    let i = from;
    for (const line of this.columns.segment.lines(from, to)) {
      yield withMembers(line, this.tail(i++, ruleIndexMap));
    }
  }

  at(i: number): Result {
    const result = JSON.parse(this.columns.segment.line(this.index(i))) as Result;
    const ri = this.columns.ruleIndexes[i]!;
    if (ri >= 0) result.ruleIndex = ri;
    const patch = this.patchOf?.(i);
    const state = patch?.baselineState ?? this.adapterState(i);
    if (state !== undefined) result.baselineState = state as Result['baselineState'];
    if (patch?.correlationGuid !== undefined) result.correlationGuid = patch.correlationGuid;
    return result;
  }

  *[Symbol.iterator](): Generator<Result, void, undefined> {
    // A text is the result with its members in place: parsing it gives at(i), read sequentially.
    // Parsed ~64 KB of them at a time (one JSON.parse of "[t1,t2,…]"): every consumer after the
    // gate walks the spool like this, and one parse per text cost ~1.5× as much.
    let batch: string[] = [];
    let bytes = 0;
    for (const text of this.texts()) {
      batch.push(text);
      bytes += text.length;
      if (bytes >= WALK_BATCH) {
        yield* JSON.parse(`[${batch.join(',')}]`) as Result[];
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length) yield* JSON.parse(`[${batch.join(',')}]`) as Result[];
    yield* this.extras;
  }

  /** The members written after result i's own text (`"k":v,…`), each as JSON.stringify writes it; a ruleIndex not in the map is kept. */
  private tail(i: number, ruleIndexMap: ReadonlyMap<number, number> | undefined): string {
    let tail = '';
    const ri = this.columns.ruleIndexes[i]!;
    if (ri >= 0) tail = `,"ruleIndex":${ruleIndexMap?.get(ri) ?? ri}`;
    const patch = this.patchOf?.(i);
    const state = patch?.baselineState ?? this.adapterState(i);
    if (state !== undefined) tail += `,"baselineState":${JSON.stringify(state)}`;
    if (patch?.correlationGuid !== undefined) tail += `,"correlationGuid":${JSON.stringify(patch.correlationGuid)}`;
    return tail.slice(1);
  }

  /** The baselineState result i came with (an input's invalid one as it was); i unchecked. */
  private adapterState(i: number): unknown {
    const code = this.columns.states[i]!;
    return code === OTHER ? this.columns.otherStates.get(i) : STATES[code];
  }

  /** i, when it is a spooled result's index. */
  private index(i: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`spooled result ${i} out of 0 … ${this.count - 1}`);
    return i;
  }

  private checkRange(from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= this.count)) {
      throw new RangeError(`spooled results ${from} … ${to} out of 0 … ${this.count}`);
    }
  }
}
