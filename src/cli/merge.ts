import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { OutputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { fitGithubLimits, githubUploadWarning } from '../sarif/github-limits.js';
import { sarifChunks, type SarifLayout } from '../report/sarif.js';
import { mergeRuns } from '../sarif/merge.js';
import { createSarifValidator } from '../sarif/validate.js';
import { readReports } from './check.js';
import { forTerminalLine } from '../text/escape.js';
import { write, type CliContext } from './context.js';
import { assignFormats } from './formats.js';

export interface MergeOptions {
  output: string;
  config?: string;
  format: string[];
  sarifLayout?: SarifLayout;
}

/**
 * Sharded pipelines: each job wrote its own log; this makes one log of them. No verdict is
 * embedded — the shards' verdicts were about their part only; `secgate check` on the merged
 * log correlates across all tools and applies the policy once.
 */
export async function merge(reports: string[], opts: MergeOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const inputs = assignFormats(reports, opts.format ?? []);
  const runs = await readReports(inputs, config, ctx);
  const log = mergeRuns(runs);
  const problems = createSarifValidator()(log);
  if (problems.length) {
    const p = problems[0]!;
    throw new OutputError(`the merged SARIF log is invalid at ${p.path}: ${p.message}`, 'this is a secgate bug: run with --debug and report it with the input logs');
  }
  const out = fitGithubLimits(log);
  await writeFileAtomic(resolve(ctx.cwd, opts.output), sarifChunks(out, opts.sarifLayout ?? 'auto'));
  const uploadWarning = githubUploadWarning(out, opts.output);
  if (uploadWarning) await write(ctx.stderr, `secgate: warning: ${forTerminalLine(uploadWarning, 600)}\n`);
  const results = log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
  await write(ctx.stderr, `secgate: merged ${inputs.length} input${inputs.length === 1 ? '' : 's'} (${log.runs.length} run${log.runs.length === 1 ? '' : 's'}, ${results} result${results === 1 ? '' : 's'}) into ${opts.output}\n`);
  return 0;
}

