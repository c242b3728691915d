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
  const skipped: number[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    try {
      docs.push({ line: i + 1, doc: JSON.parse(line) });
    } catch (e) {
      // The last line of a file being appended to may be half-written: still an error (fail
      // closed) unless skipping; watch re-reads it complete next time.
      if (skip) skipped.push(i + 1);
      else throw new ShapeError(`line ${i + 1}`, `not valid JSON (${(e as Error).message.split('\n')[0]}); set skip_malformed_lines to skip such lines`);
    }
  });
  return { docs, skipped };
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
