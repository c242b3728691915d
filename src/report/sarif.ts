import type { Log } from 'sarif';
import type { Reporter } from './types.js';
import { linesJsonChunks, prettyJsonChunks, type JsonPathPattern } from '../io/json-chunks.js';
import { isSpooled } from '../sarif/spooled-types.js';
import { isSpooledRules } from '../sarif/spooled-rules.js';

/**
 * How the SARIF file is laid out (the data is the same in all):
 * - `pretty`: JSON.stringify(log, null, 2), as every SARIF tool writes it;
 * - `lines`: the same skeleton, but each result, rule and artifact is compact JSON on a line of its
 *   own: about half the size of a big log (indentation is ~45% of it), and grep/head/diff stay
 *   line-based (one line = one finding);
 * - `auto`: `pretty` up to AUTO_LINES_ABOVE results in the log, `lines` above (nobody reads a
 *   250 MB file in an editor).
 */
export const SARIF_LAYOUTS = ['auto', 'pretty', 'lines'] as const;
export type SarifLayout = (typeof SARIF_LAYOUTS)[number];
export const AUTO_LINES_ABOVE = 10_000;

/** The arrays whose elements the `lines` layout writes one per line. */
export const SARIF_LINE_PATHS: readonly JsonPathPattern[] = [
  ['runs', '*', 'results'],
  ['runs', '*', 'tool', 'driver', 'rules'],
  ['runs', '*', 'artifacts'],
];

/** The log itself, pretty-printed with a stable key order (the order it was built in). */
export const sarifReporter: Reporter = {
  format: 'sarif',
  description: 'the merged SARIF 2.1.0 log (GitHub code scanning, GitLab, any SARIF viewer)',
  extension: 'sarif',
  render(log, opts) {
    const layout = resolveSarifLayout(log, opts.sarifLayout);
    return layout === 'pretty' ? sarifJson(log) : [...sarifChunks(log, layout)].join('');
  },
  chunks(log, opts) {
    return sarifChunks(log, opts.sarifLayout ?? 'auto');
  },
};

/**
 * `auto` decided for this log (by its number of results: a spooled run's `length`, spooled
 * results and extras); `pretty`/`lines` as given.
 */
export function resolveSarifLayout(log: Log, layout: SarifLayout = 'auto'): 'pretty' | 'lines' {
  if (layout !== 'auto') return layout;
  let results = 0;
  for (const run of log.runs ?? []) results += run.results?.length ?? 0;
  return results > AUTO_LINES_ABOVE ? 'lines' : 'pretty';
}

// C1 controls, bidi overrides/isolates, zero-width and line/paragraph separators: JSON allows them
// raw inside strings, but a terminal or editor showing the file would apply them.
const INVISIBLE_IN_JSON = /[\u0080-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Pretty JSON with those characters written as \u escapes: the same data for any JSON parser,
 * inert when the file is printed (they can only occur inside strings, so this is always valid).
 */
export function sarifJson(log: Log): string {
  // JSON.stringify would write a spooled run's object, not its results: the walker materialises them.
  if (log.runs?.some((r) => isSpooled(r.results) || isSpooledRules(r.tool?.driver?.rules))) return [...sarifChunks(log, 'pretty')].join('');
  return `${escapeInvisible(JSON.stringify(log, null, 2))}\n`;
}

/**
 * The log as text in pieces, for writers: a log of 100,000 results is too big to hold as one
 * string. `pretty` is sarifJson(log) byte for byte (spooled results materialised one batch at a
 * time). Spooled texts go through the same escaping as everything else. Each piece is whole JSON tokens, so escaping
 * piece by piece is the same as escaping the whole; in `lines` the escaping also keeps every result
 * on one line (U+2028/2029 and NEL, which some tools break lines at, are written as escapes).
 */
export function* sarifChunks(log: Log, layout: SarifLayout = 'pretty'): Generator<string> {
  const pieces = resolveSarifLayout(log, layout) === 'lines' ? linesJsonChunks(log, SARIF_LINE_PATHS) : prettyJsonChunks(log);
  for (const piece of pieces) yield escapeInvisible(piece);
  yield '\n';
}

function escapeInvisible(json: string): string {
  // All ASCII (UTF-8 length = UTF-16 length) has nothing to escape: a native length count is
  // several times faster than the regex scan over a megabyte piece.
  if (json.length > 256 && Buffer.byteLength(json, 'utf8') === json.length) return json;
  return json.replace(INVISIBLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
