import type { Result } from 'sarif';
import { isSpooled, type SpooledResults } from '../sarif/spooled-types.js';
import { isSpooledRules, type SpooledRules } from '../sarif/spooled-rules.js';

/**
 * `JSON.stringify(value, null, 2)` as a sequence of pieces whose concatenation is exactly that
 * string. A SARIF log of 100,000 results pretty-printed is close to V8's 512 MB string limit
 * ("Invalid string length"), and building it doubles peak memory: writers consume these pieces
 * instead. The top `depth` levels of plain objects and arrays are walked here; everything below
 * (one SARIF result, one rule) is one JSON.stringify call, re-indented.
 * A SpooledResults met in the walk (a run's `results` kept in a spool file) is written as the
 * array it stands for: each result materialised (`at(i)`), then its extras.
 */
export function* prettyJsonChunks(value: unknown, depth = 4): Generator<string> {
  yield* walk(value, '', depth);
}

/** ~1 MB of text per piece where elements are batched: few pieces, few writes, flat memory. */
const BATCH_CHARS = 1 << 20;

function* walk(value: unknown, indent: string, depth: number): Generator<string> {
  // At any depth: JSON.stringify would write the spool object's own fields, not the results.
  if (isSpooledRules(value)) {
    yield* spooledRulesPretty(value, indent);
    return;
  }
  if (isSpooled(value)) {
    yield* spooledPretty(value, indent);
    return;
  }
  // A driver (depth 0) holding spooled rules is walked one level more: a leaf would stringify the spool object.
  if (!isWalkable(value) || (depth <= 0 && !holdsSpooledRules(value))) {
    yield leaf(value, indent);
    return;
  }
  // Every element is a leaf: stringify them many at a time (one call per batch instead of one per element).
  if (depth === 1 && Array.isArray(value) && value.length) {
    yield '[';
    yield* leafElements(value, indent);
    yield `\n${indent}]`;
    return;
  }
  yield* members(value, indent, (v, inner) => walk(v, inner, depth - 1));
}

/**
 * A plain object or array as JSON.stringify(…, null, 2) writes it at `indent`: brackets, commas,
 * keys and line breaks here, each member's own text from `member` (given the member, its indent,
 * and its key, "*" for an array element). Keys JSON.stringify leaves out are left out.
 */
function* members(value: object, indent: string, member: (v: unknown, inner: string, key: string) => Iterable<string>): Generator<string> {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      yield* member(value[i], inner, '*');
    }
    yield `\n${indent}]`;
    return;
  }
  const obj = value as Record<string, unknown>;
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    // JSON.stringify leaves these keys out of objects.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* member(v, inner, key);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/**
 * The elements of a non-empty array at `indent`, pretty, exactly as JSON.stringify writes them
 * between the brackets: "\n<inner>e0,\n<inner>e1…" (a later batch starts with its ","). A batch
 * of elements stringified as one array, inside as many one-element arrays as indent levels, comes
 * out already indented; the brackets are sliced off.
 */
function* leafElements(items: readonly unknown[], indent: string): Generator<string> {
  yield* leafBatches(items.length, (from, to) => items.slice(from, to), indent);
}

/** leafElements over `length` elements got `slice(from, to)` at a time (a spool materialises only one batch). */
function* leafBatches(length: number, slice: (from: number, to: number) => unknown[], indent: string): Generator<string> {
  const levels = indent.length / 2;
  const [open, close] = wrappers(levels + 1);
  // Elements are batched by count; the first batch measures how big they are.
  let step = 64;
  for (let i = 0; i < length; ) {
    let wrapped: unknown = slice(i, Math.min(length, i + step));
    for (let l = 0; l < levels; l++) wrapped = [wrapped];
    const s = JSON.stringify(wrapped, null, 2);
    // wrappers(levels + 1) counts the batch's own "[\n<inner>" and "\n<indent>]"; keep its "\n<inner>".
    const body = s.slice(open - 2 * (levels + 1) - 1, s.length - close);
    yield i ? `,${body}` : body;
    const n = Math.min(step, length - i);
    i += n;
    step = Math.max(1, Math.min(4096, Math.round((n * BATCH_CHARS) / Math.max(1, s.length))));
  }
}

function holdsSpooledRules(value: object): boolean {
  if (Array.isArray(value)) return false;
  for (const k in value) if (isSpooledRules((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** Plain objects and arrays only: anything with toJSON, boxed primitives, class instances go whole to JSON.stringify. */
function isWalkable(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function leaf(value: unknown, indent: string): string {
  if (!indent) return JSON.stringify(value, null, 2) ?? 'null';
  // Stringified inside as many one-element arrays as indent levels, the value comes out already
  // indented; slicing the wrappers off is far cheaper than re-indenting every line with a regex.
  // (Inside an array JSON.stringify writes undefined/functions/symbols as null, as the walk needs.)
  const levels = indent.length / 2;
  let wrapped: unknown = value;
  for (let i = 0; i < levels; i++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  const [open, close] = wrappers(levels);
  return s.slice(open, s.length - close);
}

/**
 * Characters before and after a value wrapped `k` arrays deep: level i (1…k) opens with "[", "\n"
 * and 2i spaces, and closes with "\n", 2(k-i) spaces and "]".
 */
function wrappers(k: number): [number, number] {
  return [2 * k + k * (k + 1), 2 * k + k * (k - 1)];
}

/**
 * A path pattern into a JSON document: object keys, and "*" for any index of an array
 * (e.g. ["runs", "*", "results"]).
 */
export type JsonPathPattern = readonly string[];

/**
 * The "lines" layout: `value` pretty-printed like JSON.stringify(value, null, 2), except that every
 * element of an array at one of `linePaths` is compact JSON on a line of its own (indented like
 * its pretty self would be). JSON.parse of the text is the same data as of the pretty text; a
 * log of 100,000 results is about half the size, and grep/head/diff see one result per line.
 * Compact elements come in pieces of ~1 MB; everything else is walked as prettyJsonChunks does.
 */
export function* linesJsonChunks(value: unknown, linePaths: readonly JsonPathPattern[]): Generator<string> {
  yield* walkLines(value, '', [], linePaths);
}

function* walkLines(value: unknown, indent: string, path: string[], linePaths: readonly JsonPathPattern[]): Generator<string> {
  if (isSpooledRules(value)) {
    // Their texts are compact and complete: one per line at a line path, else materialised.
    if (!linePaths.some((p) => matches(p, path, true))) yield* spooledRulesPretty(value, indent);
    else if (value.count === 0) yield '[]';
    else yield* lineBatches(value.texts(), indent);
    return;
  }
  if (isSpooled(value)) {
    // At a line path its texts are the lines as they are; elsewhere (no layout asks for it) pretty, as any array there.
    yield* linePaths.some((p) => matches(p, path, true)) ? spooledLines(value, indent) : spooledPretty(value, indent);
    return;
  }
  const lineArray = Array.isArray(value) && linePaths.some((p) => matches(p, path, true));
  if (lineArray) {
    yield* compactLines(value as unknown[], indent);
    return;
  }
  // Below none of the paths (or not a plain object/array): pretty, as one piece.
  if (!isWalkable(value) || !linePaths.some((p) => matches(p, path, false))) {
    yield leaf(value, indent);
    return;
  }
  yield* members(value, indent, function* (v, inner, key) {
    path.push(key);
    yield* walkLines(v, inner, path, linePaths);
    path.pop();
  });
}

/**
 * Does `path` equal `pattern` (whole) or lead into it (a proper prefix)? Array indexes are "*" in
 * the walked path, so a key literally named "*" matches an index pattern too: harmless, the
 * pattern is only applied to an array.
 */
function matches(pattern: JsonPathPattern, path: readonly string[], whole: boolean): boolean {
  if (whole ? pattern.length !== path.length : pattern.length <= path.length) return false;
  for (let i = 0; i < path.length; i++) if (pattern[i] !== path[i]) return false;
  return true;
}

/**
 * "[", then each element compact on its own line at indent+2, then "]" at indent — joined in
 * ~1 MB pieces. JSON.stringify writes no raw line break inside compact JSON (\n and \r in strings
 * are escaped), so an element is exactly one line. Inside an array undefined, functions and
 * symbols are null, as JSON.stringify writes them.
 */
function* compactLines(items: readonly unknown[], indent: string): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield* lineBatches(
    (function* () {
      for (const item of items) yield JSON.stringify(item) ?? 'null';
    })(),
    indent,
  );
}

/**
 * Spooled results pretty, as JSON.stringify(results, null, 2) at `indent` would write the array:
 * a batch at a time materialised (each text parsed — `at(i)`, read in order), then the extras. Pretty is for small
 * logs (`auto` picks it up to 10,000 results): the objects of one batch only are alive at a time.
 */
function* spooledPretty(results: SpooledResults, indent: string): Generator<string> {
  if (results.length === 0) {
    yield '[]';
    return;
  }
  yield '[';
  yield* leafBatches(results.length, (from, to) => spooledSlice(results, from, to), indent);
  yield `\n${indent}]`;
}

/** Spooled rules pretty, as JSON.stringify(rules, null, 2) at `indent`: a batch at a time parsed from their texts. */
function* spooledRulesPretty(rules: SpooledRules, indent: string): Generator<string> {
  if (rules.count === 0) {
    yield '[]';
    return;
  }
  yield '[';
  yield* leafBatches(
    rules.count,
    (from, to) => {
      const out: unknown[] = [];
      for (const text of rules.texts(Array.from({ length: to - from }, (_, k) => from + k))) out.push(JSON.parse(text));
      return out;
    },
    indent,
  );
  yield `\n${indent}]`;
}

/** Results from … to-1 of a spooled array as objects (spooled ones parsed from their texts, then extras). */
function spooledSlice(results: SpooledResults, from: number, to: number): Result[] {
  const out: Result[] = [];
  if (from < results.count) for (const text of results.texts(from, Math.min(to, results.count))) out.push(JSON.parse(text) as Result);
  for (let i = Math.max(from, results.count); i < to; i++) out.push(results.extras[i - results.count]!);
  return out;
}

/**
 * Spooled results in the lines layout: their texts (already compact JSON, patches included), one
 * per line, read sequentially from the spool; then the extras, compact. In ~1 MB pieces.
 */
function* spooledLines(results: SpooledResults, indent: string): Generator<string> {
  if (results.length === 0) {
    yield '[]';
    return;
  }
  yield* lineBatches(
    (function* () {
      yield* results.texts(0, results.count);
      for (const extra of results.extras) yield JSON.stringify(extra) ?? 'null';
    })(),
    indent,
  );
}

/**
 * "[", each of a non-empty list of compact JSON texts on its own line at indent+2, then "]" at
 * indent — joined in ~1 MB pieces (compactLines and spooledLines).
 */
function* lineBatches(texts: Iterable<string>, indent: string): Generator<string> {
  const sep = `,\n${indent}  `;
  let batch: string[] = [`[\n${indent}  `];
  let size = 0;
  let n = 0;
  for (const s of texts) {
    if (n++) batch.push(sep);
    batch.push(s);
    size += s.length;
    if (size >= BATCH_CHARS) {
      yield batch.join('');
      batch = [];
      size = 0;
    }
  }
  batch.push(`\n${indent}]`);
  yield batch.join('');
}
