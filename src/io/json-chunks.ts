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
  const s = JSON.stringify(value, null, 2);
  // Inside an array JSON.stringify writes undefined/functions/symbols as null (object keys are skipped above).
  if (s === undefined) return 'null';
  // JSON text never holds a raw newline inside a string, so every \n is a line break to re-indent.
  return indent && s.includes('\n') ? s.replace(/\n/g, `\n${indent}`) : s;
}
