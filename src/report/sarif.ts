import type { Log } from 'sarif';
import type { Reporter } from './types.js';
import { prettyJsonChunks } from '../io/json-chunks.js';

/** The log itself, pretty-printed with a stable key order (the order it was built in). */
export const sarifReporter: Reporter = {
  format: 'sarif',
  description: 'the merged SARIF 2.1.0 log (GitHub code scanning, GitLab, any SARIF viewer)',
  extension: 'sarif',
  render(log) {
    return sarifJson(log);
  },
  chunks(log) {
    return sarifChunks(log);
  },
};

// C1 controls, bidi overrides/isolates, zero-width and line/paragraph separators: JSON allows them
// raw inside strings, but a terminal or editor showing the file would apply them.
const INVISIBLE_IN_JSON = /[\u0080-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Pretty JSON with those characters written as \u escapes: the same data for any JSON parser,
 * inert when the file is printed (they can only occur inside strings, so this is always valid).
 */
export function sarifJson(log: Log): string {
  return `${escapeInvisible(JSON.stringify(log, null, 2))}\n`;
}

/**
 * sarifJson(log) in pieces (their concatenation is byte for byte the same text), for writers:
 * a log of 100,000 results is too big to hold as one string. Each piece is whole JSON tokens,
 * so escaping piece by piece is the same as escaping the whole.
 */
export function* sarifChunks(log: Log): Generator<string> {
  for (const piece of prettyJsonChunks(log)) yield escapeInvisible(piece);
  yield '\n';
}

function escapeInvisible(json: string): string {
  return json.replace(INVISIBLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
