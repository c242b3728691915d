import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { DEFAULT_HISTORY_PATH } from '../config/sections/history.js';
import { ReportError } from '../errors.js';
import { parseHistory } from '../history/entry.js';
import { renderTrendHtml } from '../history/render-html.js';
import { renderTrendMarkdown } from '../history/render-markdown.js';
import { computeTrend } from '../history/trend.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { forTerminalLine } from '../text/escape.js';
import { write, type CliContext } from './context.js';

export interface TrendOptions {
  history?: string;
  format: 'markdown' | 'html';
  output?: string;
  config?: string;
}

export async function trend(opts: TrendOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const file = opts.history ?? config.history?.path ?? DEFAULT_HISTORY_PATH;
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(file, code === 'ENOENT' ? 'no such file' : (e as Error).message, 'record a history first: secgate check … --history FILE (restore it from your CI cache or artifact)');
  }
  const { entries, problems } = parseHistory(text, file);
  for (const p of problems) await write(ctx.stderr, `secgate: warning: ${forTerminalLine(p, 300)}\n`);
  const t = computeTrend(entries);
  const out = opts.format === 'html' ? renderTrendHtml(t) : renderTrendMarkdown(t);
  if (opts.output) await writeFileAtomic(resolve(ctx.cwd, opts.output), out);
  else await write(ctx.stdout, out);
  return 0;
}
