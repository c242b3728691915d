import { ShapeError } from '../shape.js';

export interface ParsedLines {
  docs: { line: number; doc: unknown }[];
  /** 1-based numbers of lines that were not JSON (only when skipping was asked for). */
  skipped: number[];
}

/**
 * NDJSON (one JSON document per line, as Wazuh's alerts.json and Prowler's asff-json are).
 * A malformed line is an error naming its line number, unless `skip` is set: then it is
 * counted, so the caller can report how many were dropped rather than hide them.
 */
export function parseLines(text: string, skip: boolean): ParsedLines {
  const docs: ParsedLines['docs'] = [];
  const skipped = forEachLine(text, skip, (line, doc) => void docs.push({ line, doc }));
  return { docs, skipped };
}

/**
 * The streaming form: each document is handed over as soon as it is parsed, so a large
 * alerts.json is never held parsed in memory all at once. Returns the skipped line numbers.
 */
export function forEachLine(text: string, skip: boolean, each: (line: number, doc: unknown) => void): number[] {
  const skipped: number[] = [];
  let start = 0;
  let n = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    n++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (e) {
      // The last line of a file being appended to may be half-written: still an error (fail
      // closed) unless skipping; watch re-reads it complete next time.
      if (skip) {
        skipped.push(n);
        continue;
      }
      throw new ShapeError(`line ${n}`, `not valid JSON (${(e as Error).message.split('\n')[0]}); set skip_malformed_lines to skip such lines`);
    }
    each(n, doc);
  }
  return skipped;
}

/** The first non-empty line parsed, for detection; undefined when it is not JSON. */
export function firstLineDoc(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  const nl = text.search(/\S/);
  if (nl < 0) return undefined;
  const end = text.indexOf('\n', nl);
  try {
    return JSON.parse(text.slice(nl, end < 0 ? undefined : end));
  } catch {
    return undefined;
  }
}
