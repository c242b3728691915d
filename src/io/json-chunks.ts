/**
 * `JSON.stringify(value, null, 2)` as a sequence of pieces whose concatenation is exactly that
 * string. A SARIF log of 100,000 results pretty-printed is close to V8's 512 MB string limit
 * ("Invalid string length"), and building it doubles peak memory: writers consume these pieces
 * instead. The top `depth` levels of plain objects and arrays are walked here; everything below
 * (one SARIF result, one rule) is one JSON.stringify call, re-indented.
 */
export function* prettyJsonChunks(value: unknown, depth = 4): Generator<string> {
  yield* walk(value, '', depth);
}

function* walk(value: unknown, indent: string, depth: number): Generator<string> {
  if (depth <= 0 || !isWalkable(value)) {
    yield leaf(value, indent);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      yield* walk(value[i], inner, depth - 1);
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
    yield* walk(v, inner, depth - 1);
  }
  yield first ? '{}' : `\n${indent}}`;
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
