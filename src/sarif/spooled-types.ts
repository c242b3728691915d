import type { Result } from 'sarif';

/**
 * The results of one run when they live in a spool file (src/io/result-spool.ts) instead of the
 * heap: what `secgate check` does with big inputs, so memory follows the gate's compact per-result
 * keys, not the findings. A Run's `results` is then one of these (cast to Result[]): the gate
 * (src/policy/ledger.ts), the validator, fitGithubLimits and the SARIF writer read it through this
 * interface; everything else walks it with `eachResult` (src/sarif/props.ts), which reads it in order.
 *
 * Spooled texts are compact JSON of the result as the adapter built it (suppressions from waivers
 * and VEX included), WITHOUT `ruleIndex`, `baselineState` and `correlationGuid`: those are decided
 * after every report is read and are written after the text's own members (`patch`).
 */
export interface SpooledResults {
  readonly spooled: true;
  /** Spooled results plus extras. */
  readonly length: number;
  /** Spooled results only (indexes 0 … count-1). */
  readonly count: number;
  /** Results appended after the spooled ones: absent results from --baseline (objects, never spooled). */
  readonly extras: Result[];
  /** ruleId of spooled result i (GitHub-limit rule filtering needs it without reading the spool). */
  ruleIdAt(i: number): string | undefined;
  /** ruleIndex of spooled result i as the adapter left it (-1: none). */
  ruleIndexAt(i: number): number;
  /**
   * True when spooled result i has a `rule` member, or over 1,000 `locations` or
   * `relatedLocations`: what fitGithubLimits must change as an object (`at(i)`), the spool text
   * being read-only. Noted as each result is spooled (the object is at hand), so fitting never
   * reads every text.
   */
  needsObjectAt(i: number): boolean;
  /** The baselineState result i will be written with: the gate's (patch), else the input's own. */
  baselineStateAt?(i: number): Result['baselineState'];
  /** The members the gate decided for spooled result i, to write after its own (undefined: none). */
  patch(i: number): SpoolPatch;
  /**
   * The gate's decisions (Ledger.writeBack): from now on `patch(i)`, `texts` and `at` take
   * spooled result i's members from `fn(i)` (undefined: none). Called once per result per read:
   * keep it cheap. A part of a run (SpooledPart) is patched through its run: its own throws.
   */
  setPatch(fn: ((i: number) => SpoolPatch) | undefined): void;
  /**
   * The texts of spooled results from … to-1, in order, each exactly as the result is to be
   * written in compact JSON (patch members and ruleIndex — renumbered through `ruleIndexMap` when
   * given — included). Read sequentially in big blocks.
   */
  texts(from: number, to: number, ruleIndexMap?: ReadonlyMap<number, number>): Iterable<string>;
  /** Spooled result i as an object, patches applied (for the top-N findings a report names). */
  at(i: number): Result;
  /** Every result (spooled, then extras) as objects: the slow, whole path, for generic consumers. */
  [Symbol.iterator](): Iterator<Result>;
}

export interface SpoolPatch {
  /**
   * Replaces the baselineState the adapter gave the result (an input SARIF's own, which the gate
   * leaves alone without --baseline); unset, that one is written (SpooledRun.baselineStateAt reads it).
   */
  baselineState?: Result['baselineState'];
  /** An input's correlationGuid is not spooled: unset here, the result has none. */
  correlationGuid?: string;
}

/**
 * A compact JSON object's text with `members` (`"k":v,…`, no leading comma) written at its end. An
 * object's text ends in "{}" only when it is empty: a member's value never ends in "{".
 */
export function withMembers(objectText: string, members: string): string {
  if (!members) return objectText;
  return `${objectText.slice(0, -1)}${objectText.endsWith('{}') ? '' : ','}${members}}`;
}

export function isSpooled(x: unknown): x is SpooledResults {
  // Spooled rules (spooled-rules.ts) carry the same flag and a `rules: true` marker.
  return typeof x === 'object' && x !== null && (x as { spooled?: unknown }).spooled === true && (x as { rules?: unknown }).rules !== true;
}
