import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { OutputError } from '../errors.js';

/**
 * Write a file so that readers only ever see the old content or the complete new one:
 * write a temp file beside it, fsync, rename over. A crash or kill mid-write leaves the
 * previous file untouched (and at worst a stray `.tmp-*` file).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(data);
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
