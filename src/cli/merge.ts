import { resolve } from 'node:path';
import type { Run } from 'sarif';
import { loadConfig } from '../config/load.js';
import { OutputError, ReportError, SecgateError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readReport } from '../io/read-report.js';
import { fitGithubLimits } from '../sarif/github-limits.js';
import { mergeRuns } from '../sarif/merge.js';
import { createSarifValidator } from '../sarif/validate.js';
import { ManyErrors } from './check.js';
import { write, type CliContext } from './context.js';
import { assignFormats } from './formats.js';

export interface MergeOptions {
  output: string;
  config?: string;
  format: string[];
}

/**
 * Sharded pipelines: each job wrote its own log; this makes one log of them. No verdict is
 * embedded — the shards' verdicts were about their part only; `secgate check` on the merged
 * log correlates across all tools and applies the policy once.
 */
export async function merge(reports: string[], opts: MergeOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const inputs = assignFormats(reports, opts.format ?? []);
  const settled = await Promise.allSettled(inputs.map((i) => readReport({ ...i, path: resolve(ctx.cwd, i.path) }, { unknownSeverity: config.policy.unknown_severity })));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof SecgateError ? s.reason : new ReportError('report', String((s.reason as Error)?.message ?? s.reason))] : []));
  if (errors.length) throw errors.length === 1 ? errors[0]! : new ManyErrors(errors);
  // Runs name their report as the user typed it (relative), as `check` does: same bytes anywhere.
  const runs = settled.flatMap((s, i) => (s.status === 'fulfilled' ? s.value.runs.map((run) => relabel(run, inputs[i]!.path)) : []));
  const log = mergeRuns(runs);
  const problems = createSarifValidator()(log);
  if (problems.length) {
    const p = problems[0]!;
    throw new OutputError(`the merged SARIF log is invalid at ${p.path}: ${p.message}`, 'this is a secgate bug: run with --debug and report it with the input logs');
  }
  await writeFileAtomic(resolve(ctx.cwd, opts.output), `${JSON.stringify(fitGithubLimits(log), null, 2)}\n`);
  const results = log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
  await write(ctx.stderr, `secgate: merged ${inputs.length} input${inputs.length === 1 ? '' : 's'} (${log.runs.length} run${log.runs.length === 1 ? '' : 's'}, ${results} result${results === 1 ? '' : 's'}) into ${opts.output}\n`);
  return 0;
}

function relabel(run: Run, shown: string): Run {
  const src = run.properties?.['source'] as { file?: string } | undefined;
  if (src && typeof src.file === 'string' && !src.file.startsWith('/')) return run;
  if (src) src.file = shown;
  return run;
}
