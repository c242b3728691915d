import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { HistoryEntry } from './entry.js';

/**
 * Append one line to the history file, atomically: the whole file is rewritten through a
 * temp file and rename, so a reader (or a crash) never sees half a line. History files stay
 * small (one line per evaluation), so the rewrite is cheap.
 */
export async function appendHistory(path: string, entry: HistoryEntry): Promise<void> {
  let before = '';
  try {
    before = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (before && !before.endsWith('\n')) before += '\n';
  await writeFileAtomic(path, `${before}${JSON.stringify(entry)}\n`);
}
