/**
 * One knob for every property/fuzz test: FUZZ_RUNS. `npm test` runs each property with its
 * small default; `npm run fuzz` sets FUZZ_RUNS=10000 and runs every test file that uses this
 * helper (or reads FUZZ_RUNS), so a new property test joins the nightly run by calling it.
 */

/** Runs for one property: FUZZ_RUNS when set (nightly), else `defaultForNpmTest`, never above `max`. */
export function fuzzRuns(defaultForNpmTest: number, opts: { max?: number } = {}): number {
  const env = Number(process.env['FUZZ_RUNS']);
  const runs = Number.isFinite(env) && env > 0 ? Math.floor(env) : defaultForNpmTest;
  return opts.max !== undefined ? Math.min(runs, opts.max) : runs;
}

/** True in the nightly-sized run (FUZZ_RUNS set), for tests that widen their inputs there. */
export const NIGHTLY = Number(process.env['FUZZ_RUNS']) > 0;
