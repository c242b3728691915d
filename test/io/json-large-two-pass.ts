// The two-pass reader json-large.ts replaced (commit 9be1f90), kept verbatim as the oracle for
// json-large-one-scan.test.ts: the one scan must fail where this failed, at the same offset, in the same phase.
/* eslint-disable */
import { closeSync, openSync, readSync } from 'node:fs';
import { LazyArray } from '../../src/scanners/lazy-array.js';

/**
 * A JSON report too big for one string (V8 caps strings at ~512 MB; a 1 GB Grype report is past it).
 * The file is scanned as bytes, never decoded whole: every top-level member of the object is parsed
 * on its own, except arrays bigger than `arrayInlineMax` bytes, which become LazyArrays — their
 * elements are parsed a window at a time (a second pass over the file) when the adapter iterates
 * them. The elements of the arrays named in `splitElementsOf` (SARIF's `runs`) that are objects over
 * the same limit are themselves read member by member, so a run's `results` is a LazyArray too.
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
  /** Top-level arrays whose big object elements are read member by member (their big arrays lazily). */
  splitElementsOf?: readonly string[];
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

interface Limits {
  inlineMax: number;
  memberMax: number;
  chunkSize: number;
  split: ReadonlySet<string>;
}

export function readLargeJson(path: string, opts: LargeJsonOptions = {}): Record<string, unknown> {
  const limits: Limits = {
    inlineMax: opts.arrayInlineMax ?? 16 << 20,
    memberMax: opts.memberMax ?? 256 << 20,
    chunkSize: opts.chunkSize ?? 4 << 20,
    split: new Set(opts.splitElementsOf ?? []),
  };
  return readObjectAt(path, bomLength(path), limits, false)[0];
}

/** A UTF-8 byte-order mark (Windows tools write one) is skipped, as the whole-file reader skips it. */
function bomLength(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(3);
    return readSync(fd, b, 0, 3, 0) === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  } finally {
    closeSync(fd);
  }
}

/** As JSON.parse does: an own property, even for "__proto__" (plain assignment would set the prototype). */
function set(doc: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
}

function parseText(text: string, offset: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? 0);
    throw new LargeJsonError(`is not valid JSON (${(e as Error).message.split('\n')[0]!.replace(/ in JSON at position \d+.*$/, '')})`, offset + at);
  }
}

const truncated = (offset: number) => new LargeJsonError('is truncated: the JSON ends before the document does', offset, true);

/**
 * The bytes of a file from an offset, a chunk at a time, as one buffer that keeps the bytes the
 * reader still needs (a value that spans chunks) in front of the new chunk.
 */
class Window {
  buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  base: number;
  private readonly fd: number;

  constructor(
    path: string,
    private readonly chunkSize: number,
    from: number,
  ) {
    this.fd = openSync(path, 'r');
    this.base = from;
  }

  get end(): number {
    return this.base + this.buf.length;
  }

  /** Reads the next chunk, keeping the bytes from file offset `keep` (≥ base) on; false at the end of the file. */
  more(keep: number): boolean {
    const end = this.end;
    const fresh = Buffer.allocUnsafe(this.chunkSize);
    const n = readSync(this.fd, fresh, 0, this.chunkSize, end);
    if (n === 0) return false;
    const chunk = n === this.chunkSize ? fresh : fresh.subarray(0, n);
    if (keep < end) {
      this.buf = Buffer.concat([this.buf.subarray(keep - this.base), chunk]);
      this.base = keep;
    } else {
      this.buf = chunk;
      this.base = end;
    }
    return true;
  }

  /** Goes on from file offset `to` (past what another reader already read), with nothing kept. */
  seek(to: number): void {
    this.buf = Buffer.alloc(0);
    this.base = to;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Inside a string: whether the next byte is escaped, and the next backslash of `buf` (found once per buffer, not per string). */
interface Str {
  open: boolean;
  escaped: boolean;
  bsBuf: Buffer | undefined;
  bsAt: number;
}
const newStr = (): Str => ({ open: false, escaped: false, bsBuf: undefined, bsAt: -1 });

/**
 * The index of the quote that closes the string open at `i`, or -1 when it goes on past `buf`.
 * Most bytes of a report are inside strings: indexOf skips them natively instead of byte by byte.
 */
function stringEnd(buf: Buffer, i: number, st: Str): number {
  const n = buf.length;
  if (st.bsBuf !== buf) {
    st.bsBuf = buf;
    st.bsAt = -1;
  }
  if (st.escaped) {
    if (i >= n) return -1;
    st.escaped = false;
    i++;
  }
  for (;;) {
    if (st.bsAt < i) {
      const b = buf.indexOf(0x5c, i);
      st.bsAt = b < 0 ? n : b;
    }
    const q = buf.indexOf(0x22, i);
    if (st.bsAt < (q < 0 ? n : q)) {
      i = st.bsAt + 2; // the backslash and the byte it escapes
      if (i > n) {
        st.escaped = true;
        return -1;
      }
      continue;
    }
    return q;
  }
}

/** Elements parsed together, at most about this many bytes of them. */
const BATCH_BYTES = 64 << 10;

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const enum S {
  BeforeObject,
  KeyOrEnd,
  /** After a comma: a key must follow ({"a":1,} is not JSON). */
  Key,
  InKey,
  Colon,
  BeforeValue,
  InValue,
  CommaOrEnd,
  After,
}

/**
 * Pass 1: the object that starts at `from`, member by member. Each member's value is parsed alone;
 * an array over the inline limit becomes a LazyArray (its bytes are skipped, not kept). `nested`:
 * the object is an element of a lazy array and ends at its closing brace, not at the end of the file.
 * Returns the object and the file offset just past it.
 */
function readObjectAt(path: string, from: number, lim: Limits, nested: boolean): [Record<string, unknown>, number] {
  const doc: Record<string, unknown> = {};
  const w = new Window(path, lim.chunkSize, from);
  const st = newStr();
  let state = S.BeforeObject;
  let depth = 0;
  let scalar = false;
  let key = '';
  let keyStart = 0;
  let valueStart = 0;
  let valueIsArray = false;
  let dropping = false;
  let i = 0;
  try {
    for (;;) {
      const buf = w.buf;
      if (i >= buf.length) {
        const end = w.end;
        if (state === S.InValue && !dropping && end - valueStart > (valueIsArray ? lim.inlineMax : lim.memberMax)) {
          if (!valueIsArray) throw new LargeJsonError(`the member "${key.slice(0, 60)}" is over ${Math.round(lim.memberMax / 2 ** 20)} MB and not an array: secgate reads reports this large only when their bulk is one array`, valueStart);
          dropping = true;
          const [lazy, resume] = lazyArray(path, valueStart, lim, !nested && lim.split.has(key));
          set(doc, key, lazy);
          if (resume !== undefined && resume > end) {
            // Its first element, a big object, was read to its end: go on after it, inside the array.
            w.seek(resume);
            depth = 1;
            Object.assign(st, newStr());
            i = 0;
            continue;
          }
        }
        const keep = state === S.InKey ? keyStart : state === S.InValue && !dropping ? valueStart : end;
        if (!w.more(keep)) break;
        i = end - w.base;
        continue;
      }
      const b = buf[i]!;
      if (state === S.InValue) {
        let endAt = -1;
        if (st.open) {
          const q = stringEnd(buf, i, st);
          if (q < 0) {
            i = buf.length;
            continue;
          }
          st.open = false;
          if (depth > 0) {
            i = q + 1;
            continue;
          }
          endAt = q + 1;
        } else if (scalar) {
          if (b === 0x2c || b === 0x7d || isWs(b)) endAt = i;
        } else if (b === 0x22) st.open = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x7d || b === 0x5d) {
          depth--;
          if (depth === 0) endAt = i + 1;
        }
        if (endAt < 0) {
          i++;
          continue;
        }
        if (!dropping) {
          const size = w.base + endAt - valueStart;
          if (valueIsArray && size > lim.inlineMax) set(doc, key, lazyArray(path, valueStart, lim, !nested && lim.split.has(key))[0]);
          else set(doc, key, parseText(buf.toString('utf8', valueStart - w.base, endAt), valueStart));
        }
        dropping = false;
        state = S.CommaOrEnd;
        i = endAt; // a scalar's terminator is read again as structure
        continue;
      }
      if (state === S.InKey) {
        const q = stringEnd(buf, i, st);
        if (q < 0) {
          i = buf.length;
          continue;
        }
        st.open = false;
        key = parseText(buf.toString('utf8', keyStart - w.base, q + 1), keyStart) as string;
        state = S.Colon;
        i = q + 1;
        continue;
      }
      const at = w.base + i;
      i++;
      if (isWs(b)) continue;
      switch (state) {
        case S.BeforeObject:
          if (b !== 0x7b) throw new LargeJsonError('is not a JSON object: a report this large must be one', at);
          state = S.KeyOrEnd;
          break;
        case S.KeyOrEnd:
        case S.Key:
        case S.CommaOrEnd:
          if (b === 0x7d && state !== S.Key) {
            state = S.After;
            if (nested) return [doc, at + 1];
          } else if (state === S.CommaOrEnd && b === 0x2c) state = S.Key;
          else if (state !== S.CommaOrEnd && b === 0x22) {
            state = S.InKey;
            st.open = true;
            keyStart = at;
          } else throw new LargeJsonError(`is not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(b))} between members)`, at);
          break;
        case S.Colon:
          if (b !== 0x3a) throw new LargeJsonError('is not valid JSON (expected ":")', at);
          state = S.BeforeValue;
          break;
        case S.BeforeValue:
          state = S.InValue;
          valueStart = at;
          valueIsArray = b === 0x5b;
          depth = b === 0x7b || b === 0x5b ? 1 : 0;
          st.open = b === 0x22;
          scalar = !st.open && depth === 0;
          break;
        default:
          throw new LargeJsonError('is not valid JSON (text after the end of the document)', at);
      }
    }
  } finally {
    w.close();
  }
  if (state !== S.After || nested) throw truncated(w.end);
  return [doc, w.end];
}

/** A big first element read member by member: where it ends in the file. */
interface First {
  end: number;
}

/**
 * A LazyArray over the array at `start`; its first element is read now, for format detection.
 * With it, the file offset just past that element when it was a big object read member by member.
 */
function lazyArray(path: string, start: number, lim: Limits, split: boolean): [LazyArray, number | undefined] {
  const first: Partial<First> = {};
  const it = elementsAt(path, start, lim, split, undefined, first);
  const head = it.next();
  it.return(undefined); // closes the file
  // A big first element (the one run of a SARIF log, the one Result of an image's Trivy report) is
  // held as the head anyway: each iteration starts after it instead of reading it member by member again.
  const reuse = !head.done && first.end !== undefined ? { value: head.value, end: first.end } : undefined;
  return [new LazyArray(() => elementsAt(path, start, lim, split, reuse), head.done ? [] : [head.value]), reuse?.end];
}

/**
 * Pass 2: the elements of the array that starts (its '[') at `start`. The complete elements of each
 * window are parsed together (`[` + their text + `]`: one JSON.parse per window, not per element);
 * with `split`, an object element over the inline limit is read member by member instead.
 */
function* elementsAt(path: string, start: number, lim: Limits, split: boolean, reuse?: { value: unknown; end: number }, first?: Partial<First>): Generator<unknown, void, undefined> {
  const w = new Window(path, lim.chunkSize, reuse ? reuse.end : start);
  const st = newStr();
  let depth = 0; // 0 before '[', 1 inside the array, >1 inside an element
  let batchStart = -1; // file offset of the first element not parsed yet
  let batchEnd = -1; // file offset just past the last complete element of the batch
  let elemStart = -1; // file offset of the element being read; -1 between elements
  let elemIsObject = false;
  let afterBig = false; // split: a big element was just read by readObjectAt; a comma or "]" must follow
  let needElement = false; // after a comma
  let out: unknown[] = [];
  let count = 0; // elements handed to readObjectAt or to a batch
  if (reuse) {
    depth = 1;
    afterBig = true;
    out.push(reuse.value);
    count = 1;
  }
  let i = 0;
  const flush = () => {
    if (batchStart < 0) return;
    const text = w.buf.toString('utf8', batchStart - w.base, batchEnd - w.base);
    out.push(...(parseText(`[${text}]`, batchStart - 1) as unknown[]));
    batchStart = -1;
  };
  try {
    for (;;) {
      const buf = w.buf;
      if (i >= buf.length) {
        flush();
        if (out.length) {
          const ready = out;
          out = [];
          yield* ready;
        }
        const end = w.end;
        if (split && elemStart >= 0 && elemIsObject && end - elemStart > lim.inlineMax) {
          // A big object (a SARIF run, a Trivy Result): read member by member from its start, and go
          // on after it — scanning the rest of it here first would read it twice in each pass.
          const [element, after] = readObjectAt(path, elemStart, lim, true);
          if (count++ === 0 && first) first.end = after;
          out.push(element);
          elemStart = -1;
          afterBig = true;
          depth = 1;
          Object.assign(st, newStr());
          w.seek(after);
          i = 0;
          continue;
        }
        if (elemStart >= 0 && end - elemStart > lim.memberMax) throw new LargeJsonError(`an array element is over ${Math.round(lim.memberMax / 2 ** 20)} MB`, elemStart);
        if (!w.more(elemStart >= 0 ? elemStart : end)) throw truncated(end);
        i = end - w.base;
        continue;
      }
      if (st.open) {
        const q = stringEnd(buf, i, st);
        if (q < 0) {
          i = buf.length;
          continue;
        }
        st.open = false;
        i = q + 1;
        continue;
      }
      const b = buf[i]!;
      const at = w.base + i;
      i++;
      if (depth === 0) {
        if (b === 0x5b) depth = 1;
        else if (!isWs(b)) throw new LargeJsonError('is not valid JSON (expected "[")', at);
        continue;
      }
      if (depth === 1) {
        if (isWs(b)) continue;
        if (b === 0x2c || b === 0x5d) {
          if (afterBig) afterBig = false;
          else if (elemStart >= 0) {
            if (split && elemIsObject && at - elemStart > lim.inlineMax) {
              flush();
              const [element, after] = readObjectAt(path, elemStart, lim, true);
              if (count++ === 0 && first) first.end = after;
              out.push(element);
            } else {
              count++;
              if (batchStart < 0) batchStart = elemStart;
              batchEnd = at;
            }
            elemStart = -1;
            // Small batches: their elements are handed on (and dropped) before the young
            // generation fills; a 4 MB batch outlived scavenges and was copied to the old space.
            if (batchEnd - batchStart >= BATCH_BYTES) {
              flush();
              const ready = out;
              out = [];
              yield* ready;
            }
          } else if (b === 0x2c || needElement) throw new LargeJsonError(`is not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(b))} in an array)`, at);
          needElement = b === 0x2c;
          if (b === 0x5d) {
            flush();
            yield* out;
            return;
          }
          continue;
        }
        if (b === 0x7d) throw new LargeJsonError('is not valid JSON (unexpected "}" in an array)', at);
        if (afterBig) throw new LargeJsonError(`is not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(b))} after an array element)`, at);
        if (elemStart < 0) {
          elemStart = at;
          elemIsObject = b === 0x7b;
          needElement = false;
        } else if (elemIsObject) {
          // Back at depth 1 the object has closed: only a comma or "]" may follow (a big one is
          // re-read on its own by readObjectAt, which would not see what trails it).
          throw new LargeJsonError(`is not valid JSON (unexpected ${JSON.stringify(String.fromCharCode(b))} after an array element)`, at);
        }
      }
      if (b === 0x22) st.open = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) depth--;
    }
  } finally {
    w.close();
  }
}
