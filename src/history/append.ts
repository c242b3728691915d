import { readFile } from 'node:fs/promises';
import { OutputError } from '../errors.js';
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
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new OutputError(`cannot read the history file ${path} to append to it: ${code ?? (e as Error).message}`, 'point --history (or history: in secgate.yml) at a writable file', { cause: e });
  }
  if (before && !before.endsWith('\n')) before += '\n';
  await writeFileAtomic(path, `${before}${JSON.stringify(entry)}\n`);
}
