import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Run } from 'sarif';
import { ReportError, isSecgateError } from '../errors.js';
import { adapters, adapterById, formatIds } from '../scanners/registry.js';
import { ShapeError } from '../scanners/shape.js';
import type { Adapter } from '../scanners/types.js';
import type { Severity } from '../sarif/severity.js';
import { slug } from '../sarif/uri.js';

export interface ReportInput {
  path: string;
  /** Force a format id instead of detecting it from the content. */
  format?: string | undefined;
}

export interface ReadOptions {
  unknownSeverity: Severity;
  /** Line-delimited formats (Wazuh alerts.json): skip malformed lines, counted as a warning. */
  skipMalformedLines?: boolean;
}

export interface ReadResult {
  path: string;
  format: string;
  runs: Run[];
}

/** Read one report file and convert it; every failure is a one-line ReportError. */
export async function readReport(input: ReportInput, opts: ReadOptions): Promise<ReadResult> {
  let buf: Buffer;
  try {
    buf = await readFile(input.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a report' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ReportError(input.path, why, code === 'ENOENT' ? 'check the path, or that the scanner step before this one wrote its report' : undefined);
  }
  return parseReport(input, buf.toString('utf8'), opts);
}

/** The pure half of readReport: text in, runs out. */
export function parseReport(input: ReportInput, text: string, opts: ReadOptions): ReadResult {
  const { path } = input;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new ReportError(path, 'the file is empty', 'the scanner probably failed before writing its report: check its step log');
  }
  const forced = input.format ? adapterById(input.format) : undefined;
  if (input.format && !forced) {
    throw new ReportError(path, `unknown format "${input.format}"`, `use one of: ${formatIds().join(', ')}`);
  }

  let doc: unknown;
  let jsonError: SyntaxError | undefined;
  const wantsJson = !forced || forced.input === 'json';
  if (wantsJson) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      jsonError = e as SyntaxError;
    }
  }

  let adapter: Adapter | undefined = forced;
  let input2: unknown = doc;
  if (forced) {
    if (forced.input === 'json' && jsonError) throw jsonFailure(path, text, jsonError);
    if (forced.input === 'text') input2 = text;
  } else if (!jsonError) {
    adapter = adapters.find((a) => a.input === 'json' && safeDetect(a, doc));
  } else {
    adapter = adapters.find((a) => a.input === 'text' && safeDetect(a, text));
    input2 = text;
    if (!adapter) throw jsonFailure(path, text, jsonError);
  }
  if (!adapter) {
    throw new ReportError(
      path,
      'not a report format secgate knows',
      `expected one of: ${adapters.map((a) => a.title).join('; ')}. If it is one of these, force it with --format <id>:${path}`,
    );
  }

  const category = `${adapter.id}-${slug(basename(path).replace(/\.[^.]*$/, ''))}`;
  try {
    const runs = adapter.toRuns(input2, { file: path, category, unknownSeverity: opts.unknownSeverity, ...(opts.skipMalformedLines ? { skipMalformedLines: true } : {}) });
    return { path, format: adapter.id, runs };
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new ReportError(path, `does not look like ${adapter.title}: ${e.message}`, 'the scanner may have changed its output format or the file is damaged; re-run the scanner, or report it with the file attached', e.path);
    }
    if (isSecgateError(e)) throw e;
    // An adapter bug must still fail closed, as a clear line rather than a stack trace.
    throw new ReportError(path, `could not be read as ${adapter.title}: ${(e as Error).message}`, 'run with --debug and report it', undefined, { cause: e });
  }
}

function safeDetect(a: Adapter, doc: unknown): boolean {
  try {
    return a.detect(doc);
  } catch {
    return false;
  }
}

function jsonFailure(path: string, text: string, e: SyntaxError): ReportError {
  const pos = /position (\d+)/.exec(e.message)?.[1];
  let where: string | undefined;
  if (pos !== undefined) {
    const p = Number(pos);
    const before = text.slice(0, p);
    const line = before.split('\n').length;
    const col = p - before.lastIndexOf('\n');
    where = `line ${line}, column ${col}`;
  }
  const truncated = /end of (JSON )?input|Unterminated|Expected .* after/i.test(e.message) && (pos === undefined || Number(pos) >= text.trimEnd().length - 1);
  return new ReportError(
    path,
    truncated ? 'is truncated: the JSON ends before the document does' : `is not valid JSON (${e.message.replace(/^JSON\.parse: /, '').split('\n')[0]})`,
    truncated ? 'the scanner was probably killed while writing it: re-run the scanner' : 'check that the file is the scanner\'s JSON output, not its log or table output',
    where,
  );
}
