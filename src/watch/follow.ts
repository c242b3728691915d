import { stat } from 'node:fs/promises';
import { sleep } from './schedule.js';

export interface FileMark {
  size: number;
  mtimeMs: number;
  ino: number;
}

export async function markOf(path: string): Promise<FileMark | undefined> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

/**
 * Wait until a followed file changes (grows, is rewritten, or is rotated to a new inode),
 * polling its size and mtime: portable across file systems and containers where fs.watch is
 * not. Resolves false when the signal aborts first.
 */
export async function waitForChange(path: string, since: FileMark | undefined, pollMs: number, signal?: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal?.aborted) return false;
    const now = await markOf(path);
    if (now && (!since || now.size !== since.size || now.mtimeMs !== since.mtimeMs || now.ino !== since.ino)) return true;
    await sleep(pollMs, signal);
  }
}

/** Text up to its last complete line: a writer may be half-way through the next one. */
export function completeLines(text: string): string {
  if (text === '' || text.endsWith('\n')) return text;
  const nl = text.lastIndexOf('\n');
  return nl < 0 ? '' : text.slice(0, nl + 1);
}
