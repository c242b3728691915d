import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from '../errors.js';

/**
 * Write a file so that readers only ever see the old content or the complete new one:
 * write a temp file beside it, fsync, rename over. A crash or kill mid-write leaves the
 * previous file untouched (and at worst a stray `.tmp-*` file).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'w', 0o644);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
      else await writePieces(fh, data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC' ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'the file system is read-only'
      : code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' ? 'the path is not a writable file location'
      : (e as Error).message;
    throw new OutputError(`cannot write ${path}: ${why}`, 'choose a writable output path', { cause: e });
  }
}

/**
 * Pieces of text (a log too big for one string) written in ~1 MB batches: few syscalls, flat memory.
 * A piece that is a batch by itself (the SARIF writer's are ~1 MB) is written as it is, not copied
 * into a join. FileHandle.writeFile writes at the current position (it loops on short writes).
 */
async function writePieces(fh: FileHandle, pieces: Iterable<string>): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (piece.length >= BATCH && !batch.length) {
      await fh.writeFile(piece);
      continue;
    }
    batch.push(piece);
    size += piece.length;
    if (size >= BATCH) {
      await fh.writeFile(batch.join(''));
      batch = [];
      size = 0;
    }
  }
  if (batch.length) await fh.writeFile(batch.join(''));
}

const BATCH = 1 << 20;
