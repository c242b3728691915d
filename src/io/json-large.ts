import { closeSync, openSync, readSync } from 'node:fs';
import { grown } from './grown.js';
import { LazyArray } from '../scanners/lazy-array.js';

/**
 * A JSON report too big for one string (V8 caps strings at ~512 MB; a 1 GB Grype report is past it).
 * The file is scanned as bytes, never decoded whole: every top-level member of the object is parsed
 * on its own, except arrays bigger than `arrayInlineMax` bytes, which become LazyArrays. The one
 * scan that skips past such an array records where its elements lie (a byte range per ~64 KB batch
 * of them); iterating the LazyArray reads those ranges and parses each batch with one JSON.parse,
 * without scanning the bytes again. The elements of the arrays named in `splitElementsOf` (SARIF's `runs`) that are objects over
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
  /**
   * Big split elements (SARIF runs, Trivy Results) read in the scan are held for iterating while their
   * members read whole add up to at most this many bytes (default 64 MB); past it, iterating reads
   * them again. The first is always held (it is the head).
   */
  holdMax?: number;
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
  holdMax: number;
  /** Bytes of members read whole in the big elements held so far (against holdMax). */
  held: number;
}

export function readLargeJson(path: string, opts: LargeJsonOptions = {}): Record<string, unknown> {
  const limits: Limits = {
    inlineMax: opts.arrayInlineMax ?? 16 << 20,
    memberMax: opts.memberMax ?? 256 << 20,
    chunkSize: opts.chunkSize ?? 4 << 20,
    split: new Set(opts.splitElementsOf ?? []),
    holdMax: opts.holdMax ?? 64 << 20,
    held: 0,
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

/** Iterating a lazy array reads the file in blocks of this size (several batches a read). */
const READ_BYTES = 1 << 20;

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const byteText = (b: number) => JSON.stringify(String.fromCharCode(b));

/**
 * The elements of an array as pass 1 finds them while it scans past the array anyway: what iterating
 * the LazyArray reads, without scanning the bytes again. Not one entry per element: one per batch of
 * consecutive elements (about BATCH_BYTES of text, parsed with one JSON.parse), one per big object
 * element read member by member (`split`), and the first structural error, which iterating throws
 * after the batches before it — where the old second pass threw it. 16 bytes a batch: 3.2M SARIF
 * results are ~20k entries.
 */
class Elements {
  /**
   * Pairs (start, end) of file offsets. A batch: from its first element's start to just before the
   * separator after its last. A big object element read member by member: (-start-1, end).
   */
  private ranges = new Float64Array(0);
  n = 0;
  /** Big elements already read (by pair index): iterating yields them instead of reading them again. */
  readonly held = new Map<number, unknown>();
  /** The first error inside the array; nothing is recorded after it (pass 1 only skips the rest). */
  error: LargeJsonError | undefined;
  /** Set once the array is known to be over the inline limit: only then is an error thrown early. */
  private big = false;
  /**
   * The old second pass had yielded its first element here (a 64 KB batch flushed, or the array's
   * end): errors before this point it met while reading the head, in pass 1; errors after it, when
   * the adapter iterated. The same split is kept (read-report reads a file whole after a pass-1 error).
   */
  private headReady = false;
  /** Entries recorded when the head was ready: what the old first yield had parsed. */
  private headN = 0;
  head: unknown[] | undefined;
  // The scan at element depth, as the old second pass made it.
  elemStart = -1;
  elemIsObject = false;
  /** A big element was just read by readObjectAt: a comma or "]" must follow. */
  afterBig = false;
  /** After a comma: an element must follow. */
  needElement = false;
  private batchStart = -1;
  private batchEnd = -1;

  constructor(
    private readonly path: string,
    private readonly lim: Limits,
    readonly split: boolean,
  ) {}

  start(k: number): number {
    return this.ranges[2 * k]!;
  }

  end(k: number): number {
    return this.ranges[2 * k + 1]!;
  }

  private push(a: number, b: number): number {
    this.ranges = grown(this.ranges, 2 * this.n + 1);
    this.ranges[2 * this.n] = a;
    this.ranges[2 * this.n + 1] = b;
    return this.n++;
  }

  private flush(): void {
    if (this.batchStart < 0) return;
    this.push(this.batchStart, this.batchEnd);
    this.batchStart = -1;
  }

  /**
   * Where the old second pass yielded: what is recorded so far makes the head. It also yielded at the
   * end of each of its reads; pass 1 calls this at the end of each of its own (the same with the
   * default 4 MB reads but for what lies within a few MB of the boundary).
   */
  yieldPoint(): void {
    this.flush();
    if (this.n === 0 || this.headReady) return;
    this.headReady = true;
    this.headN = this.n;
    if (this.big) this.readHead();
  }

  /**
   * The first error stops the record. The elements of the batch it interrupts are dropped unparsed, as
   * the old second pass threw before parsing them. Before the head exists (the first batch), a big
   * array's error is thrown now, as the old pass 1 threw what reading the head met.
   */
  fail(e: LargeJsonError): void {
    this.error = e;
    this.batchStart = -1;
    if (this.big && !this.headReady) throw e;
  }

  /** The array is over the inline limit: it will be a LazyArray, and its head is read as soon as it can be. */
  setBig(): void {
    if (this.big) return;
    this.big = true;
    if (this.headReady) this.readHead();
    else if (this.error) throw this.error;
  }

  /**
   * The first element, for `detect`. Every entry recorded up to here is parsed (the old second pass
   * parsed them all before its first yield): their parse errors are thrown now, in pass 1, as before.
   */
  private readHead(): void {
    const a = this.start(0);
    if (a < 0 && this.headN === 1) {
      this.head = [this.held.get(0)];
      return;
    }
    let first: unknown[] | undefined;
    for (const x of batchesAt(this.path, this, this.lim, 0, this.headN)) first ??= [x];
    this.head = first ?? [];
  }

  /** The array ended (its "]" was read): a LazyArray over what was recorded. */
  lazy(): LazyArray {
    this.setBig();
    this.head ??= [];
    const n = this.n;
    return new LazyArray(() => batchesAt(this.path, this, this.lim, 0, n, true), this.head);
  }

  /** A byte outside strings at element depth (1), at file offset `at`, as the old second pass checked it. */
  byte(b: number, at: number): void {
    if (this.error || isWs(b)) return;
    if (b === 0x2c || b === 0x5d) {
      if (this.afterBig) this.afterBig = false;
      else if (this.elemStart >= 0) {
        if (this.split && this.elemIsObject && at - this.elemStart > this.lim.inlineMax) {
          this.flush();
          this.readBig();
          if (this.error) return;
        } else {
          if (this.batchStart < 0) this.batchStart = this.elemStart;
          this.batchEnd = at;
          // Small batches: their elements are handed on (and dropped) before the young
          // generation fills; a 4 MB batch outlived scavenges and was copied to the old space.
          if (this.batchEnd - this.batchStart >= BATCH_BYTES) this.yieldPoint();
        }
        this.elemStart = -1;
      } else if (b === 0x2c || this.needElement) return this.fail(new LargeJsonError(`is not valid JSON (unexpected ${byteText(b)} in an array)`, at));
      this.needElement = b === 0x2c;
      if (b === 0x5d) this.yieldPoint();
      return;
    }
    if (b === 0x7d) return this.fail(new LargeJsonError('is not valid JSON (unexpected "}" in an array)', at));
    if (this.afterBig) return this.fail(new LargeJsonError(`is not valid JSON (unexpected ${byteText(b)} after an array element)`, at));
    if (this.elemStart < 0) {
      this.elemStart = at;
      this.elemIsObject = b === 0x7b;
      this.needElement = false;
    } else if (this.elemIsObject) {
      // Back at depth 1 the object has closed: only a comma or "]" may follow (a big one is
      // read on its own by readObjectAt, which would not see what trails it).
      this.fail(new LargeJsonError(`is not valid JSON (unexpected ${byteText(b)} after an array element)`, at));
    }
  }

  /**
   * The element in progress, a big object (a SARIF run, a Trivy Result), read member by member from
   * its start (its own big arrays recorded the same way). Held for iterating while the members read
   * whole stay under `holdMax` bytes in all (the first always: it is the head); otherwise iterating
   * reads it again. Returns the file offset just past it, or undefined when it is damaged (the error
   * is recorded: iterating throws it when it gets there, as before).
   */
  readBig(): number | undefined {
    this.flush();
    const start = this.elemStart;
    this.elemStart = -1;
    let read: [Record<string, unknown>, number, number];
    try {
      read = readObjectAt(this.path, start, this.lim, true);
    } catch (e) {
      if (!(e instanceof LargeJsonError)) throw e;
      this.fail(e);
      return undefined;
    }
    const [element, after, inlineBytes] = read;
    const k = this.n;
    if (k === 0 || this.lim.held + inlineBytes <= this.lim.holdMax) {
      this.held.set(k, element);
      this.lim.held += inlineBytes;
    }
    this.push(-start - 1, after);
    return after;
  }
}

/**
 * The elements of recorded entries from … to-1: each batch's bytes read (a block at a time) and parsed
 * with one JSON.parse (`[` + their text + `]`), big elements as held or read again member by member.
 * `withError`: the recorded error is thrown after the entries (the whole array is being iterated).
 */
function* batchesAt(path: string, r: Elements, lim: Limits, from: number, to: number, withError = false): Generator<unknown, void, undefined> {
  const fd = openSync(path, 'r');
  let block = Buffer.alloc(0);
  let blockStart = 0;
  let blockEnd = 0;
  try {
    for (let k = from; k < to; k++) {
      const a = r.start(k);
      const b = r.end(k);
      if (a < 0) {
        yield r.held.has(k) ? r.held.get(k) : readObjectAt(path, -a - 1, lim, true)[0];
        continue;
      }
      if (a < blockStart || b > blockEnd) {
        const size = Math.max(READ_BYTES, b - a);
        if (block.length < size) block = Buffer.allocUnsafe(size);
        let got = 0;
        while (got < b - a) {
          const m = readSync(fd, block, got, size - got, a + got);
          if (m === 0) throw truncated(a + got); // the file shrank since pass 1
          got += m;
        }
        blockStart = a;
        blockEnd = a + got;
      }
      const elements = parseText(`[${block.toString('utf8', a - blockStart, b - blockStart)}]`, a - 1) as unknown[];
      yield* elements;
    }
    if (withError && r.error) throw r.error;
  } finally {
    closeSync(fd);
  }
}

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
 * The one pass: the object that starts at `from`, member by member. Each member's value is parsed
 * alone; an array is scanned at element depth as well (Elements), and when it is over the inline
 * limit it becomes a LazyArray over what that scan recorded (its bytes are skipped, not kept).
 * `nested`: the object is an element of a lazy array and ends at its closing brace, not at the end
 * of the file. Returns the object, the file offset just past it and the bytes of its members parsed
 * whole (what holding it costs).
 */
function readObjectAt(path: string, from: number, lim: Limits, nested: boolean): [Record<string, unknown>, number, number] {
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
  let rec: Elements | undefined;
  let inlineBytes = 0;
  let i = 0;
  try {
    for (;;) {
      const buf = w.buf;
      if (i >= buf.length) {
        const end = w.end;
        if (state === S.InValue && !dropping && end - valueStart > (valueIsArray ? lim.inlineMax : lim.memberMax)) {
          if (!valueIsArray) throw new LargeJsonError(`the member "${key.slice(0, 60)}" is over ${Math.round(lim.memberMax / 2 ** 20)} MB and not an array: secgate reads reports this large only when their bulk is one array`, valueStart);
          dropping = true;
          rec!.setBig();
        }
        if (state === S.InValue && rec && !rec.error) rec.yieldPoint();
        if (state === S.InValue && rec && !rec.error && rec.elemStart >= 0) {
          if (rec.split && rec.elemIsObject && end - rec.elemStart > lim.inlineMax) {
            // A big object element: read member by member from its start, and go on after it —
            // scanning the rest of it here first would read it twice.
            const after = rec.readBig();
            if (after !== undefined) {
              rec.afterBig = true;
              w.seek(after);
              depth = 1;
              Object.assign(st, newStr());
              i = 0;
              continue;
            }
          } else if (end - rec.elemStart > lim.memberMax) rec.fail(new LargeJsonError(`an array element is over ${Math.round(lim.memberMax / 2 ** 20)} MB`, rec.elemStart));
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
        } else {
          if (depth === 1 && rec !== undefined) {
            rec.byte(b, w.base + i);
          }
          if (b === 0x22) st.open = true;
          else if (b === 0x7b || b === 0x5b) depth++;
          else if (b === 0x7d || b === 0x5d) {
            depth--;
            if (depth === 0) endAt = i + 1;
          }
        }
        if (endAt < 0) {
          i++;
          continue;
        }
        const size = w.base + endAt - valueStart;
        if (valueIsArray && (dropping || size > lim.inlineMax)) set(doc, key, rec!.lazy());
        else {
          set(doc, key, parseText(buf.toString('utf8', valueStart - w.base, endAt), valueStart));
          inlineBytes += size;
        }
        rec = undefined;
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
            if (nested) return [doc, at + 1, inlineBytes];
          } else if (state === S.CommaOrEnd && b === 0x2c) state = S.Key;
          else if (state !== S.CommaOrEnd && b === 0x22) {
            state = S.InKey;
            st.open = true;
            keyStart = at;
          } else throw new LargeJsonError(`is not valid JSON (unexpected ${byteText(b)} between members)`, at);
          break;
        case S.Colon:
          if (b !== 0x3a) throw new LargeJsonError('is not valid JSON (expected ":")', at);
          state = S.BeforeValue;
          break;
        case S.BeforeValue:
          state = S.InValue;
          valueStart = at;
          valueIsArray = b === 0x5b;
          rec = valueIsArray ? new Elements(path, lim, !nested && lim.split.has(key)) : undefined;
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
  return [doc, w.end, inlineBytes];
}
