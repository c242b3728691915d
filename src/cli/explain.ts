import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Log } from 'sarif';
import { ReportError } from '../errors.js';
import { renderExplain } from '../policy/explain.js';
import { readVerdict } from '../policy/verdict.js';
import { write, type CliContext } from './context.js';

export interface ExplainOptions {
  top?: number;
  json?: boolean;
}

/** `secgate explain [secgate.sarif]`: the embedded verdict, in words. Never recomputes it. */
export async function explain(sarif: string, opts: ExplainOptions, ctx: CliContext): Promise<number> {
  let log: Log;
  try {
    log = JSON.parse(await readFile(resolve(ctx.cwd, sarif), 'utf8')) as Log;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(sarif, code === 'ENOENT' ? 'no such file' : code ? (e as Error).message : `not valid JSON: ${(e as Error).message}`, 'pass the SARIF log `secgate check --sarif` wrote');
  }
  const verdict = log && typeof log === 'object' ? readVerdict(log) : undefined;
  if (!verdict) throw new ReportError(sarif, 'carries no secgate verdict (properties.secgate.verdict)', 'explain reads logs written by `secgate check` or `secgate run`, not `merge` or a scanner');
  if (opts.json) await write(ctx.stdout, `${JSON.stringify(verdict, null, 2)}\n`);
  else await write(ctx.stdout, renderExplain(verdict, { top: Number.isFinite(opts.top) && opts.top! > 0 ? opts.top! : 10 }));
  return 0;
}
