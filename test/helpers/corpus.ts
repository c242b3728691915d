import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared beside the project checkout. Absent on a fresh clone: corpus tests skip with this reason. */
export const SHARED = resolve(fileURLToPath(new URL('../../../shared', import.meta.url)));
export const CORPUS = join(SHARED, 'corpus');
export const SCHEMAS = join(SHARED, 'schemas');
export const HAVE_CORPUS = existsSync(CORPUS);
export const NO_CORPUS_REASON = `../shared/corpus not found at ${CORPUS}: corpus tests skipped (they need the recorded scanner outputs beside the project)`;

if (!HAVE_CORPUS && !process.env['SECGATE_QUIET_SKIPS']) {
  // Said once per test file that imports this, so a skipped corpus never goes unnoticed.
  console.warn(`[secgate tests] ${NO_CORPUS_REASON}`);
}

/** Every file under corpus/<dir>, recursively, as [relative name, absolute path]. */
export function corpusFiles(dir: string, filter: (name: string) => boolean = () => true): [string, string][] {
  const base = join(CORPUS, dir);
  if (!existsSync(base)) return [];
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (filter(e)) out.push([relative(CORPUS, p), p]);
    }
  };
  walk(base);
  return out;
}

export function corpusPath(rel: string): string {
  return join(CORPUS, rel);
}
