import { closeSync, openSync, readSync } from 'node:fs';
import { LazyArray } from '../scanners/lazy-array.js';

/**
 * A JSON report too big for one string (V8 caps strings at ~512 MB; a 1 GB Grype report is past it).
 * The file is scanned as bytes, never decoded whole: every top-level member of the object is parsed
 * on its own, except arrays bigger than `arrayInlineMax` bytes, which become LazyArrays — their
 * elements are parsed one at a time (a second pass over the file) when the adapter iterates them.
 * JSON's structural characters are ASCII and never occur inside a multi-byte UTF-8 sequence, so
 * scanning bytes is exact.
 */
export interface LargeJsonOptions {
  /** An array member above this many bytes is read lazily (default 16 MB). */
  arrayInlineMax?: number;
  /** Any other member above this many bytes is an error (default 256 MB). */
  memberMax?: number;
  /** Read size (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
}

/** Malformed input, at a byte offset: the reader turns it into a ReportError. */
export class LargeJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly truncated = false,
  ) {
    super(message);
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function readLargeJson(path: string, opts: LargeJsonOptions = {}): Record<string, unknown> {
  const inlineMax = opts.arrayInlineMax ?? 16 << 20;
  const chunkSize = opts.chunkSize ?? 4 << 20;
  const doc: Record<string, unknown> = {};
  scanMembers(path, chunkSize, inlineMax, opts.memberMax ?? 256 << 20, {
    value(key, text, offset) {
      set(doc, key, parsePiece(text, offset));
    },
    tooBig(key, start, isArray) {
      if (!isArray) throw new LargeJsonError(`the member "${key.slice(0, 60)}" is over ${Math.round((opts.memberMax ?? 256 << 20) / 2 ** 20)} MB and not an array: secgate reads reports this large only when their bulk is one array`, start);
      // The first element, for format detection: pass 2 stopped after one element.
      const head = elementsAt(path, start, chunkSize).next();
      set(doc, key, new LazyArray(() => elementsAt(path, start, chunkSize), head.done ? [] : [head.value]));
    },
  });
  return doc;
}

/** As JSON.parse does: an own property, even for "__proto__" (plain assignment would set the prototype). */
function set(doc: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Sink {
  value(key: string, text: Buffer, offset: number): void;
  tooBig(key: string, start: number, isArray: boolean): void;
}

function parsePiece(text: Buffer, offset: number): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch (e) {
    const at = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? 0);
    throw new LargeJsonError(`is not valid JSON (${(e as Error).message.split('\n')[0]!.replace(/ in JSON at position \d+.*$/, '')})`, offset + at);
  }
}

/** Bytes of a file, chunk by chunk, with their absolute offsets. */
function* chunks(path: string, chunkSize: number, from = 0): Generator<{ buf: Buffer; offset: number }> {
  const fd = openSync(path, 'r');
  try {
    let offset = from;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkSize);
      const n = readSync(fd, buf, 0, chunkSize, offset);
      if (n === 0) return;
      yield { buf: n === chunkSize ? buf : buf.subarray(0, n), offset };
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
}

const enum S {
  BeforeObject,
  KeyOrEnd,
  InKey,
  Colon,
  BeforeValue,
  InValue,
  CommaOrEnd,
  After,
}

/**
 * Pass 1: walk the top-level object. Each member's value is collected (up to the inline limit) and
 * handed to the sink; a value over the limit is reported with its start offset instead.
 */
function scanMembers(path: string, chunkSize: number, inlineMax: number, memberMax: number, sink: Sink): void {
  let state = S.BeforeObject;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let scalar = false;
  let key = '';
  let parts: Buffer[] = [];
  let size = 0;
  let capturing = false;
  let dropping = false;
  let valueStart = 0;
  let valueIsArray = false;
  let offset = 0;

  for (const { buf, offset: base } of chunks(path, chunkSize)) {
    let seg = capturing ? 0 : -1;
    const endCapture = (endExclusive: number): Buffer => {
      if (!dropping) parts.push(buf.subarray(seg, endExclusive));
      const text = Buffer.concat(parts);
      parts = [];
      size = 0;
      capturing = false;
      seg = -1;
      return text;
    };
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      offset = base + i;
      if (state === S.InValue) {
        let end = -1;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === 0x5c) escaped = true;
          else if (b === 0x22) {
            inString = false;
            if (depth === 0) end = i + 1;
          }
        } else if (scalar) {
          if (b === 0x2c || b === 0x7d || WS.has(b)) end = i;
        } else if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x7d || b === 0x5d) {
          depth--;
          if (depth === 0) end = i + 1;
        }
        if (end < 0) continue;
        const total = size + end - Math.max(seg, 0);
        const text = endCapture(end);
        // An array over the inline limit is lazy even when it ends inside the chunk it started in.
        if (!dropping && valueIsArray && total > inlineMax) sink.tooBig(key, valueStart, true);
        else if (!dropping) sink.value(key, text, valueStart);
        dropping = false;
        state = S.CommaOrEnd;
        if (end === i) i--; // a scalar's terminator is read again as structure
        continue;
      }
      if (state === S.InKey) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) {
          key = parsePiece(endCapture(i + 1), offset) as string;
          state = S.Colon;
        }
        continue;
      }
      if (WS.has(b)) continue;
      switch (state) {
        case S.BeforeObject:
          if (b !== 0x7b) throw new LargeJsonError('is not a JSON object: a report this large must be one', offset);
          state = S.KeyOrEnd;
          break;
        case S.KeyOrEnd:
        case S.CommaOrEnd:
          if (b === 0x7d) state = S.After;
          else if (state === S.CommaOrEnd && b === 0x2c) state = S.KeyOrEnd;
          else if (state === S.KeyOrEnd && b === 0x22) {
            state = S.InKey;
            capturing = true;
            seg = i;
          } else throw new LargeJsonError(`is not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(b))} between members)`, offset);
          break;
        case S.Colon:
          if (b !== 0x3a) throw new LargeJsonError('is not valid JSON (expected ":")', offset);
          state = S.BeforeValue;
          break;
        case S.BeforeValue:
          state = S.InValue;
          valueStart = offset;
          valueIsArray = b === 0x5b;
          capturing = true;
          seg = i;
          depth = b === 0x7b || b === 0x5b ? 1 : 0;
          inString = b === 0x22;
          scalar = !inString && depth === 0;
          break;
        default:
          throw new LargeJsonError('is not valid JSON (text after the end of the document)', offset);
      }
    }
    // End of the chunk: an open capture keeps its part, unless the value outgrew the inline limit.
    if (capturing && !dropping) {
      parts.push(buf.subarray(seg));
      size += buf.length - seg;
      if (state === S.InValue && size > (valueIsArray ? inlineMax : memberMax)) {
        dropping = true;
        parts = [];
        sink.tooBig(key, valueStart, valueIsArray);
      }
    }
  }
  if (state !== S.After) throw new LargeJsonError('is truncated: the JSON ends before the document does', offset + 1, true);
}

/** Pass 2: the elements of the array that starts (its '[') at `start`, parsed one by one. */
function* elementsAt(path: string, start: number, chunkSize: number): Generator<unknown> {
  let depth = 0; // 0 before '[', 1 inside the array, >1 inside an element
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let collecting = false;
  let elemStart = 0;
  let seg = -1;
  for (const { buf, offset: base } of chunks(path, chunkSize, start)) {
    seg = collecting ? 0 : -1;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
        continue;
      }
      if (depth === 0) {
        if (b === 0x5b) depth = 1;
        continue;
      }
      if (depth === 1) {
        if (WS.has(b)) continue;
        if (b === 0x2c || b === 0x5d) {
          if (collecting) {
            parts.push(buf.subarray(seg, i));
            yield parsePiece(Buffer.concat(parts), elemStart);
            parts = [];
            collecting = false;
            seg = -1;
          }
          if (b === 0x5d) return;
          continue;
        }
        if (!collecting) {
          collecting = true;
          elemStart = base + i;
          seg = i;
        }
      }
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) depth--;
    }
    if (collecting) parts.push(Buffer.from(buf.subarray(seg)));
  }
  throw new LargeJsonError('is truncated: the JSON ends before the document does', start, true);
}
