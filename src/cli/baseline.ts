import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { toBaselineLog } from '../policy/baseline.js';
import { correlate } from '../sarif/correlate.js';
import { mergeRuns } from '../sarif/merge.js';
import { sarifChunks, type SarifLayout } from '../report/sarif.js';
import { readReports } from './check.js';
import { assignFormats } from './formats.js';
import { write, type CliContext } from './context.js';

export interface BaselineOptions {
  output: string;
  config?: string;
  format: string[];
  sarifLayout?: SarifLayout;
}

/** `secgate baseline reports… -o baseline.sarif`: today's findings, to compare tomorrow's with. */
export async function baseline(reports: string[], opts: BaselineOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const runs = await readReports(assignFormats(reports, opts.format ?? []), config, ctx);
  const log = mergeRuns(runs);
  correlate(log);
  const out = toBaselineLog(log);
  await writeFileAtomic(resolve(ctx.cwd, opts.output), sarifChunks(out, opts.sarifLayout ?? 'auto'));
  const n = out.runs.reduce((k, r) => k + (r.results?.length ?? 0), 0);
  await write(ctx.stderr, `secgate: baseline of ${n} finding${n === 1 ? '' : 's'} from ${out.runs.length} run${out.runs.length === 1 ? '' : 's'} written to ${opts.output}\n`);
  return 0;
}
