import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Run } from 'sarif';
import { ReportError, isSecgateError } from '../errors.js';
import { adapters, adapterById, formatIds } from '../scanners/registry.js';
import { ShapeError } from '../scanners/shape.js';
import type { Adapter } from '../scanners/types.js';
import type { Severity } from '../sarif/severity.js';
import type { SinkFactory } from '../sarif/builder.js';
import { slug } from '../sarif/uri.js';
import { LargeJsonError, readLargeJson } from './json-large.js';
import { decodeReport } from './decode.js';

export interface ReportInput {
  path: string;
  /** Force a format id instead of detecting it from the content. */
  format?: string | undefined;
}

export interface ReadOptions {
  unknownSeverity: Severity;
  /** Line-delimited formats (Wazuh alerts.json): skip malformed lines, counted as a warning. */
  skipMalformedLines?: boolean;
  /** JSON reports above this many bytes are streamed (src/io/json-large.ts), never held as one string. */
  streamAbove?: number | undefined;
  /** Results go here as they are built instead of into arrays (secgate check on big inputs). */
  sink?: SinkFactory | undefined;
}

/** Past ~512 MB a file cannot be one string at all; JSON.parse of a few hundred MB already needs GBs. */
export const STREAM_ABOVE = 256 * 2 ** 20;

/**
 * Grype and Trivy reports stream from a lower size: a whole read holds the text and the whole parsed
 * document, mostly members the adapters never read. Measured on bench/out, whole read vs
 * SECGATE_STREAM_ABOVE=0, 5 interleaved runs each on a loaded 2-core machine (user CPU, peak RSS):
 * grype-100k (119 MiB) 5.1 s → 5.9 s (+15%), 910 → 570 MB (−37%); trivy-100k (57 MiB) 4.5 s →
 * 4.8 s (+6%), 670 → 550 MB (−18%). The CPU is the second pass over the file (a top-level array
 * must be scanned to reach the members after it) and JSON.parse in 64 KB batches. SARIF keeps
 * STREAM_ABOVE: streamed, sarif-200k (63 MiB) costs 2.9 s → 3.6 s (+25%: each result is checked
 * alone) to save only 545 → 460 MB. SECGATE_STREAM_ABOVE still sets one limit for every format.
 */
export const STREAM_RECORDS_ABOVE = 32 * 2 ** 20;

export interface ReadResult {
  path: string;
  format: string;
  runs: Run[];
}

/** Read one report file and convert it; every failure is a one-line ReportError. */
export async function readReport(input: ReportInput, opts: ReadOptions): Promise<ReadResult> {
  let buf: Buffer | undefined;
  try {
    const { size } = await stat(input.path);
    const forced = input.format ? adapterById(input.format) : undefined;
    // Big: streamed when its format streams (Grype, Trivy, SARIF); otherwise read whole below, if it fits a string.
    const limit = opts.streamAbove ?? (size > STREAM_RECORDS_ABOVE && (forced ? RECORD_FORMATS.has(forced.id) : await looksLikeRecords(input.path)) ? STREAM_RECORDS_ABOVE : STREAM_ABOVE);
    const streamed = size > limit && (!forced || forced.input === 'json') ? readLargeReport(input, opts, size) : undefined;
    if (streamed) return streamed;
    buf = await readFile(input.path);
  } catch (e) {
    // A streamed report's own error (damaged JSON, a wrong shape) is already the one line to show.
    if (isSecgateError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a report' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ReportError(input.path, why, code === 'ENOENT' ? 'check the path, or that the scanner step before this one wrote its report' : code === 'EISDIR' ? 'name the report files inside it' : 'check the file\'s permissions');
  }
  let text: string;
  try {
    text = decodeReport(buf);
  } catch (e) {
    // Past V8's longest string (~512 MiB): say so, rather than fail as an internal error.
    throw new ReportError(input.path, `is too large to read (${Math.round(buf.length / 2 ** 20)} MiB)`, 'split the scan (per image or per directory), or filter it at the scanner (e.g. --severity)', undefined, { cause: e });
  }
  return parseReport(input, text, opts);
}

/** The formats streamed from STREAM_RECORDS_ABOVE. */
const RECORD_FORMATS = new Set(['grype', 'trivy']);

/**
 * Whether a report looks like Grype or Trivy JSON from its start: its first member's name (Grype
 * writes `matches` first; Trivy `SchemaVersion`, `ArtifactName` before 0.20, `ClusterName` for k8s),
 * or Grype's descriptor near the top (reports re-serialised with sorted keys start with it). Only
 * picks how the file is read: both ways give the same runs, and a miss is read as before.
 */
export function startsLikeRecords(head: string): boolean {
  return /^(?:\xef\xbb\xbf)?\s*\{\s*"(?:matches|SchemaVersion|ArtifactName|ClusterName)"\s*:/.test(head) || /"descriptor"\s*:\s*\{\s*"name"\s*:\s*"grype"/.test(head);
}

async function looksLikeRecords(path: string): Promise<boolean> {
  const f = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await f.read(Buffer.alloc(1024), 0, 1024, 0);
    return startsLikeRecords(buffer.toString('latin1', 0, bytesRead));
  } finally {
    await f.close();
  }
}

/** Adapters that iterate a LazyArray (src/scanners/lazy-array.ts) where the bulk of their format is. */
const STREAMING_FORMATS = new Set(['grype', 'sarif', 'trivy']);

/** V8's longest string, in UTF-16 units: a file of more bytes can never be decoded whole. */
const MAX_STRING = 0x1fffffe8;

/**
 * A JSON report too big to read comfortably: its big arrays are read element by element by the
 * adapter. undefined when streaming does not apply (another format, not a JSON object) and the
 * file still fits in a string: the caller then reads it whole, as any other report.
 */
function readLargeReport(input: ReportInput, opts: ReadOptions, size: number): ReadResult | undefined {
  const { path } = input;
  const fitsString = size <= MAX_STRING;
  let doc: Record<string, unknown>;
  try {
    // Arrays over a quarter of the threshold are read lazily (all of them when a test sets it to 0).
    // SARIF's bulk is nested, each run's `results`, and Trivy's each Result's `Vulnerabilities`
    // (and its other finding lists): big runs and big Results are read member by member.
    doc = readLargeJson(path, { arrayInlineMax: Math.min(16 * 2 ** 20, Math.floor((opts.streamAbove ?? STREAM_ABOVE) / 4)), splitElementsOf: ['runs', 'Results'] });
  } catch (e) {
    if (fitsString && e instanceof LargeJsonError) return undefined;
    throw largeJsonFailure(path, e);
  }
  const forced = input.format ? adapterById(input.format) : undefined;
  if (input.format && !forced) throw new ReportError(path, `unknown format "${input.format}"`, `use one of: ${formatIds().join(', ')}`);
  const adapter = forced ?? adapters.find((a) => a.input === 'json' && safeDetect(a, doc));
  if (!adapter || !STREAMING_FORMATS.has(adapter.id)) {
    if (fitsString) return undefined;
    throw new ReportError(path, `is too large to read whole (${Math.round(size / 2 ** 20)} MiB, past the longest string Node can hold) and not a format secgate streams${describeShape(doc)}`, 'secgate streams Grype JSON, Trivy JSON and SARIF at this size; split the scan (per image or per directory) into smaller reports');
  }
  return convertDocument(input, adapter, doc, doc, forced, opts);
}

/** What to do about a damaged big file: cut short, or not valid JSON (a scanner report's by default). */
export interface LargeJsonHints {
  truncated: string;
  invalid: string;
}

const REPORT_HINTS: LargeJsonHints = {
  truncated: 'the scanner was probably killed while writing it, or the disk was full: re-run the scanner',
  invalid: "check that the file is the scanner's JSON output, not its log or table output",
};

/** A streamed file's LargeJsonError as the one ReportError line (with its byte offset); anything else as it is. */
export function largeJsonFailure(path: string, e: unknown, hints: LargeJsonHints = REPORT_HINTS): unknown {
  if (!(e instanceof LargeJsonError)) return e;
  return new ReportError(path, e.message, e.truncated ? hints.truncated : hints.invalid, `byte ${e.offset}`);
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
      `not a report format secgate knows${describeShape(doc)}`,
      `secgate reads: ${formatIds().join(', ')} (see \`secgate check --help\`); if the file is one of these, force it with --format <id>:${path}`,
    );
  }

  return convertDocument(input, adapter, input2, doc, forced, opts);
}

/** The adapter's half: runs out of the parsed document (or text), every failure a one-line ReportError. */
function convertDocument(input: ReportInput, adapter: Adapter, input2: unknown, doc: unknown, forced: Adapter | undefined, opts: ReadOptions): ReadResult {
  const { path } = input;
  const category = `${adapter.id}-${slug(basename(path).replace(/\.[^.]*$/, ''))}`;
  try {
    const runs = adapter.toRuns(input2, { file: path, category, unknownSeverity: opts.unknownSeverity, ...(opts.skipMalformedLines ? { skipMalformedLines: true } : {}), ...(opts.sink ? { sink: opts.sink } : {}) });
    // A forced format that does not fit the document: another tool's report (or `{}`) read as this
    // format converts to zero findings and would pass the gate. (An empty answer no adapter claims,
    // such as an empty Wazuh indexer search, is left to the format the user named.)
    const otherFormat = forced && forced.input === 'json' && adapters.some((a) => a !== forced && a.input === 'json' && safeDetect(a, doc));
    const emptyDoc = isEmptyDocument(doc);
    if (forced && !runs.some((r) => r.results?.length) && (otherFormat || emptyDoc) && !safeDetect(forced, input2)) {
      throw new ReportError(
        path,
        `is not ${forced.title}${forced.input === 'json' ? describeShape(doc) : ''}`,
        'the file holds another report, or the scanner wrote another format (check its arguments); drop --format to let secgate detect it',
      );
    }
    return { path, format: adapter.id, runs };
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new ReportError(path, `does not look like ${adapter.title}: ${e.message}`, 'the scanner may have changed its output format or the file is damaged; re-run the scanner, or report it with the file attached', e.path);
    }
    if (isSecgateError(e)) throw e;
    // A streamed report's element that is not JSON (found while the adapter reads it).
    if (e instanceof LargeJsonError) throw largeJsonFailure(path, e);
    // An adapter bug must still fail closed, as a clear line rather than a stack trace.
    throw new ReportError(path, `could not be read as ${adapter.title}: ${(e as Error).message}`, 'run with --debug and report it', undefined, { cause: e });
  }
}

/** What the unrecognised document looks like, to help the user see which file it is. */
function describeShape(doc: unknown): string {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const keys = Object.keys(doc).slice(0, 5).map((k) => quote(k.slice(0, 40)));
    return keys.length ? ` (a JSON object with keys ${keys.join(', ')}${Object.keys(doc).length > 5 ? ', …' : ''})` : ' (an empty JSON object)';
  }
  return Array.isArray(doc) ? ' (a JSON array)' : ` (a JSON ${doc === null ? 'null' : typeof doc})`;
}

function isEmptyDocument(doc: unknown): boolean {
  return Array.isArray(doc) ? doc.length === 0 : typeof doc === 'object' && doc !== null && Object.keys(doc).length === 0;
}

function safeDetect(a: Adapter, doc: unknown): boolean {
  try {
    return a.detect(doc);
  } catch {
    return false;
  }
}

function jsonFailure(path: string, text: string, e: SyntaxError): ReportError {
  const msg = e.message.replace(/^JSON\.parse: /, '');
  const end = text.trimEnd().length;
  const first = Math.max(0, text.search(/\S/));
  // A JSON document starts with one of these; anything else is the scanner's table or log output.
  const looksLikeJson = /^[{["\d-]|^(true|false|null)\b/.test(text.slice(first));
  const endOfInput = /end of (JSON )?input/i.test(msg);
  let pos = Number(/position (\d+)/.exec(msg)?.[1] ?? Number.NaN);
  if (Number.isNaN(pos)) pos = endOfInput ? end : looksLikeJson ? Number.NaN : first;
  // The parser stopped at (or past) the last character written: the document was cut short.
  const truncated = endOfInput || pos >= end;
  const where = Number.isNaN(pos) ? undefined : lineColumn(text, Math.min(pos, end));
  const why = truncated
    ? 'is truncated: the JSON ends before the document does'
    : !looksLikeJson
      ? `is not JSON: it starts with ${quote(text.slice(first, first + 24))}`
      : `is not valid JSON (${msg.split('\n')[0]!.replace(/, ".*$/, '').replace(/ in JSON at position \d+.*$/, '')})`;
  return new ReportError(
    path,
    why,
    truncated ? 'the scanner was probably killed while writing it, or the disk was full: re-run the scanner' : "check that the file is the scanner's JSON output, not its log or table output",
    where,
  );
}

/** "line L, column C" (1-based) of a character offset. */
function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/** A short piece of the file for a message: quoted, with control and non-ASCII characters escaped. */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
