import type { Result } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { GITHUB_LIMITS } from '../../src/sarif/github-limits.js';
import { SpooledRunBuilder } from '../../src/sarif/spooled.js';
import type { SpooledResults, SpoolPatch } from '../../src/sarif/spooled-types.js';

/**
 * A SpooledResults over an array (S2's tests; the real one is src/sarif/spooled.ts): what the
 * contract says the spool keeps and writes. Each result is stored as the adapter built it minus
 * ruleIndex, baselineState and correlationGuid (the spool's text); ruleIndex is kept beside it
 * and the patch members come from `patches` (or the function given to setPatch); texts() writes
 * them after the text's own members. needsObjectAt is noted from each object, as the real one does.
 */
export function fakeSpooled(results: readonly Result[], extras: Result[] = [], patches: (SpoolPatch | undefined)[] = []): SpooledResults {
  const texts = results.map((r) => {
    const { ruleIndex: _i, baselineState: _b, correlationGuid: _c, ...rest } = r;
    return JSON.stringify(rest);
  });
  const ruleIds = results.map((r) => r.ruleId ?? r.rule?.id);
  const ruleIndexes = results.map((r) => (typeof r.ruleIndex === 'number' ? r.ruleIndex : -1));
  const over = (a: unknown[] | undefined) => (a?.length ?? 0) > GITHUB_LIMITS.locationsPerResult;
  const needsObject = results.map((r) => r.rule !== undefined || over(r.locations) || over(r.relatedLocations));
  let patchOf = (i: number): SpoolPatch | undefined => patches[i];
  const object = (i: number, map?: ReadonlyMap<number, number>): Result => {
    const r = JSON.parse(texts[i]!) as Result;
    const idx = ruleIndexes[i]!;
    if (idx !== -1) r.ruleIndex = map?.get(idx) ?? idx;
    const p = patchOf(i);
    if (p?.baselineState !== undefined) r.baselineState = p.baselineState;
    if (p?.correlationGuid !== undefined) r.correlationGuid = p.correlationGuid;
    return r;
  };
  const count = results.length;
  const spooled: SpooledResults = {
    spooled: true,
    count,
    get length() {
      return count + extras.length;
    },
    extras,
    ruleIdAt: (i) => ruleIds[i],
    ruleIndexAt: (i) => ruleIndexes[i]!,
    needsObjectAt: (i) => needsObject[i]!,
    patch: (i) => ({ ...patchOf(i) }),
    setPatch(fn) {
      patchOf = fn ?? (() => undefined);
    },
    *texts(from, to, map) {
      for (let i = from; i < to; i++) yield JSON.stringify(object(i, map));
    },
    at: (i) => object(i),
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield object(i);
      yield* extras;
    },
  };
  return spooled;
}

/** The in-memory results the fake stands for (patches applied), as the writer must write them. */
export function applied(results: readonly Result[], extras: readonly Result[] = [], patches: (SpoolPatch | undefined)[] = []): Result[] {
  return [
    ...results.map((r, i) => ({
      ...r,
      ...(patches[i]?.baselineState !== undefined ? { baselineState: patches[i]!.baselineState } : {}),
      ...(patches[i]?.correlationGuid !== undefined ? { correlationGuid: patches[i]!.correlationGuid } : {}),
    })),
    ...extras,
  ];
}

/**
 * The same results behind the real SpooledResults (src/sarif/spooled.ts, in `spool`): added one by
 * one as the gate does, sealed, the patches set, the extras given.
 */
export function realSpooled(spool: ResultSpool, results: readonly Result[], extras: Result[] = [], patches: (SpoolPatch | undefined)[] = []): SpooledResults {
  const builder = new SpooledRunBuilder(spool);
  for (const r of results) builder.add(r);
  const run = builder.seal();
  run.setPatch((i) => patches[i] ?? {});
  run.extras = extras;
  return run;
}

export type MakeSpooled = (results: readonly Result[], extras?: Result[], patches?: (SpoolPatch | undefined)[]) => SpooledResults;

/** Both implementations, for tests to run over each (the real one's spool removed after all tests of the file). */
export function spooledImplementations(): { name: string; make: MakeSpooled; close: () => void }[] {
  let spool: ResultSpool | undefined;
  return [
    { name: 'fake', make: fakeSpooled, close: () => undefined },
    {
      name: 'real',
      make: (results, extras, patches) => realSpooled((spool ??= ResultSpool.create()), results, extras, patches),
      close: () => {
        spool?.close();
        spool = undefined;
      },
    },
  ];
}
