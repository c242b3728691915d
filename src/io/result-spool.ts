import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { grown } from './grown.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OutputError, ResourceError, type SecgateError } from '../errors.js';

/**
 * A private temp dir of line files, one per run, where `secgate check` keeps the results of big
 * inputs instead of the heap (src/sarif/spooled.ts builds on it). Each line is one result's compact
 * JSON; the only per-line memory is its byte offset (8 bytes in a Float64Array), so memory stays
 * flat however many results are spooled. Everything is synchronous: a line is written by the
 * adapter's loop and read back by the writer's, with nothing to overlap (tried in the writer, no gain).
 *
 * The dir is removed by `close()` and, for any spool still open, when the process exits (normal
 * exit, process.exit, or an uncaught exception; a signal's default action runs no handlers).
 */
export interface SpoolOptions {
  /** Parent of the spool dir; default os.tmpdir() (which honours TMPDIR). */
  tmpdir?: string;
  /** Bytes buffered before a write (default 1 MiB). */
  writeBuffer?: number;
  /** Bytes read at once by `lines()` (default 1 MiB; small values only for tests). */
  readBlock?: number;
  /**
   * Keep each segment's file in the dir (tests that look at the bytes). By default a file is
   * unlinked the moment it is opened: the open descriptor keeps it readable and writable, and the
   * kernel frees it when the process ends — however it ends (a signal, SIGKILL, a crash), no data
   * is left behind; at worst the empty dir.
   */
  keepFiles?: boolean;
}

const MiB = 1 << 20;
const NEWLINE = 0x0a;

/** Spools still open, removed by the exit handler (registered once, on the first create). */
const live = new Set<ResultSpool>();
let exitHooked = false;

function closeAllOnExit(): void {
  for (const spool of live) spool.close();
}

export class ResultSpool {
  private readonly segments: SpoolSegment[] = [];
  private closed = false;
  private dirGone = false;
  private removed = false;

  private constructor(
    /** The spool's private dir (mode 0700, from mkdtemp); made again for a segment after it was removed. */
    public dir: string,
    private readonly options: Required<Omit<SpoolOptions, 'tmpdir'>>,
  ) {}

  static create(options: SpoolOptions = {}): ResultSpool {
    const parent = options.tmpdir ?? tmpdir();
    let dir: string;
    try {
      dir = mkdtempSync(join(parent, 'secgate-spool-'));
    } catch (e) {
      throw spoolError('create the result spool in', parent, e);
    }
    const spool = new ResultSpool(dir, {
      writeBuffer: Math.max(64, options.writeBuffer ?? MiB),
      readBlock: Math.max(1, options.readBlock ?? MiB),
      keepFiles: options.keepFiles ?? false,
    });
    if (!exitHooked) {
      process.on('exit', closeAllOnExit);
      exitHooked = true;
    }
    live.add(spool);
    // Made to know TMPDIR is usable before any report is read, and removed at once: each segment
    // makes its own and removes it as soon as its file is open (see keepFiles).
    if (!spool.options.keepFiles) spool.dropDir();
    return spool;
  }

  /** A new line file (one per run). */
  segment(): SpoolSegment {
    if (this.closed) throw closedError(this.dir);
    if (this.dirGone) {
      try {
        this.dir = mkdtempSync(join(dirname(this.dir), 'secgate-spool-'));
        this.dirGone = false;
      } catch (e) {
        throw spoolError('create the result spool in', dirname(this.dir), e);
      }
    }
    const path = join(this.dir, `run-${this.segments.length}.jsonl`);
    let fd: number;
    try {
      // w+: created (or truncated) for writing and read back later; the dir is private.
      fd = openSync(path, 'w+', 0o600);
    } catch (e) {
      throw spoolError('write the result spool in', this.dir, e);
    }
    if (!this.options.keepFiles) {
      try {
        unlinkSync(path);
        // Empty now: removed too, so a run killed from here on leaves nothing (the next segment makes another).
        this.dropDir();
      } catch {
        // A platform that cannot unlink an open file (Windows): it goes with the dir in close().
      }
    }
    const segment = new SpoolSegment(this, fd, this.options.writeBuffer, this.options.readBlock);
    this.segments.push(segment);
    return segment;
  }

  /** Remove the (empty) dir now; the next segment makes another. */
  private dropDir(): void {
    rmdirSync(this.dir);
    this.dirGone = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Close every segment and remove the dir (idempotent). Never throws: it runs in `finally` blocks
   * after the verdict is known, and a temp dir left behind must neither hide the error being thrown
   * nor turn a verdict into exit 2. Returns whether the dir is gone.
   */
  close(): boolean {
    if (this.closed) return this.removed;
    this.closed = true;
    live.delete(this);
    for (const s of this.segments) s.release();
    this.segments.length = 0;
    try {
      if (!this.dirGone) rmSync(this.dir, { recursive: true, force: true, maxRetries: 2 });
      this.removed = true;
    } catch {
      this.removed = false;
    }
    return this.removed;
  }
}

/**
 * One run's lines. `append` while building, `seal` once the run is read, then `lines`/`line` as
 * often as needed. Line i is the bytes offsets[i] … offsets[i+1]-2 (each line ends in '\n', which
 * makes the file readable by people, not needed to find the lines).
 */
export class SpoolSegment {
  private offsets = new Float64Array(1024);
  private n = 0;
  /** Bytes appended (written + pending). */
  private size = 0;
  /** Bytes already in the file. */
  private written = 0;
  private buffer: Buffer;
  private pending = 0;
  private sealed = false;
  private fd: number | undefined;
  /** One read block, lent to one `lines` walk at a time (a second walk at once allocates its own). */
  private spareBlock: Buffer | undefined;

  /** @internal made by ResultSpool.segment() */
  constructor(
    private readonly spool: ResultSpool,
    fd: number,
    writeBuffer: number,
    private readonly readBlock: number,
  ) {
    this.fd = fd;
    this.buffer = Buffer.allocUnsafe(writeBuffer);
  }

  /** Lines appended. */
  get count(): number {
    return this.n;
  }

  /** Bytes appended, newlines included. */
  get bytes(): number {
    return this.size;
  }

  get isSealed(): boolean {
    return this.sealed;
  }

  /**
   * Append one line (compact JSON: no raw newline is needed or checked, offsets delimit lines).
   * The text must be well-formed UTF-16: a lone surrogate cannot be written as UTF-8 and would
   * come back as U+FFFD (JSON.stringify escapes them, so its texts always are). Returns its index.
   */
  append(text: string): number {
    if (this.sealed) throw new Error('SpoolSegment.append after seal()');
    if (!isWellFormed(text)) throw new TypeError('SpoolSegment.append: the text holds a lone surrogate (not representable in UTF-8)');
    const fd = this.open();
    const i = this.n;
    this.offsets = grown(this.offsets, i + 1);
    const buf = this.buffer;
    let bytes: number;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: then it surely fits, without measuring.
    if (text.length * 3 < buf.length - this.pending) {
      bytes = buf.write(text, this.pending);
    } else {
      bytes = Buffer.byteLength(text);
      if (bytes + 1 > buf.length - this.pending) this.flush();
      if (bytes + 1 > buf.length) {
        // Bigger than the buffer: written on its own.
        const own = Buffer.allocUnsafe(bytes + 1);
        own.write(text, 0);
        own[bytes] = NEWLINE;
        this.writeAll(fd, own, bytes + 1);
        this.size += bytes + 1;
        this.n = i + 1;
        this.offsets[i + 1] = this.size;
        return i;
      }
      buf.write(text, this.pending);
    }
    buf[this.pending + bytes] = NEWLINE;
    this.pending += bytes + 1;
    this.size += bytes + 1;
    this.n = i + 1;
    this.offsets[i + 1] = this.size;
    return i;
  }

  /** Write what is buffered; no more appends. */
  seal(): void {
    if (this.sealed) return;
    this.flush();
    this.sealed = true;
    // The write buffer is not needed any more.
    this.buffer = Buffer.alloc(0);
  }

  /** Lines from … to-1, read sequentially in blocks of ≥ readBlock bytes. */
  *lines(from = 0, to = this.n): Generator<string, void, undefined> {
    this.checkRange(from, to);
    if (from === to) return;
    this.flush();
    const off = this.offsets;
    const want = this.readBlock;
    let block = this.spareBlock ?? Buffer.allocUnsafe(want);
    this.spareBlock = undefined;
    try {
      let i = from;
      while (i < to) {
        const start = off[i]!;
        // As many whole lines as fit in the block; a line bigger than the block is read alone.
        let j = i + 1;
        while (j < to && off[j + 1]! - start <= want) j++;
        const len = off[j]! - start;
        const buf = len <= block.length ? block : Buffer.allocUnsafe(len);
        this.readAll(buf, len, start);
        for (let k = i; k < j; k++) yield buf.toString('utf8', off[k]! - start, off[k + 1]! - start - 1);
        i = j;
      }
    } finally {
      this.spareBlock = block;
    }
  }

  /** Line i (one read). */
  line(i: number): string {
    this.checkRange(i, i + 1);
    this.flush();
    const start = this.offsets[i]!;
    const len = this.offsets[i + 1]! - start - 1;
    const buf = Buffer.allocUnsafe(len);
    this.readAll(buf, len, start);
    return buf.toString('utf8', 0, len);
  }

  /** @internal close the file (ResultSpool.close). */
  release(): void {
    const fd = this.fd;
    this.fd = undefined;
    this.sealed = true;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already closed: the dir is removed next anyway.
      }
    }
  }

  private open(): number {
    if (this.fd === undefined || this.spool.isClosed) throw closedError(this.spool.dir);
    return this.fd;
  }

  private flush(): void {
    if (!this.pending) return;
    this.writeAll(this.open(), this.buffer, this.pending);
    this.pending = 0;
  }

  /** Write len bytes of buf at the end of what is written (writeSync may write less than asked). */
  private writeAll(fd: number, buf: Buffer, len: number): void {
    let done = 0;
    try {
      while (done < len) done += writeSync(fd, buf, done, len - done, this.written + done);
    } catch (e) {
      throw spoolError('write the result spool in', this.spool.dir, e);
    }
    this.written += len;
  }

  private readAll(buf: Buffer, len: number, position: number): void {
    const fd = this.open();
    let done = 0;
    try {
      while (done < len) {
        const got = readSync(fd, buf, done, len - done, position + done);
        if (got === 0) break;
        done += got;
      }
    } catch (e) {
      throw spoolError('read the result spool in', this.spool.dir, e);
    }
    if (done < len) {
      throw new OutputError(
        `cannot read the result spool in ${this.spool.dir}: the file is shorter than what was written to it`,
        'something else changed the temp dir while secgate ran; run again, with TMPDIR pointing at a private directory',
      );
    }
  }

  private checkRange(from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= this.n)) {
      throw new RangeError(`spool lines ${from} … ${to} out of 0 … ${this.n}`);
    }
  }
}

/** The one-line error for a failed spool operation: disk full and quota are the machine's limits, the rest the setup's. */
export function spoolError(what: string, where: string, e: unknown): SecgateError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const line = `cannot ${what} ${where}: `;
  switch (code) {
    case 'ENOSPC':
      return new ResourceError(`${line}no space left on device`, 'free space there or point TMPDIR at a disk with room', { cause: e });
    case 'EDQUOT':
      return new ResourceError(`${line}disk quota exceeded`, 'free space there or point TMPDIR at a disk with room', { cause: e });
    case 'EMFILE':
    case 'ENFILE':
      return new ResourceError(`${line}too many open files`, 'raise the open-file limit (ulimit -n) or gate fewer reports at once', { cause: e });
    case 'EFBIG':
      return new ResourceError(`${line}the file grew past the file system's size limit`, 'point TMPDIR at a disk without that limit', { cause: e });
    default: {
      const why =
        code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EROFS' ? 'the file system is read-only'
        : code === 'ENOENT' ? 'no such directory'
        : code === 'ENOTDIR' ? 'not a directory'
        : code === 'EBADF' ? 'the file was closed'
        : code === 'EIO' ? 'an I/O error'
        : oneLine(e);
      return new OutputError(`${line}${why}`, 'point TMPDIR at a writable directory with room', { cause: e });
    }
  }
}

function closedError(dir: string): OutputError {
  return new OutputError(`cannot use the result spool in ${dir}: it was closed`, 'this is a bug in secgate; please report it');
}

/** String.prototype.isWellFormed (Node 20; not in TypeScript's ES2022 lib): O(1) for one-byte strings. */
function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim() || 'unknown error';
}
