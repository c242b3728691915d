import { resolve } from 'node:path';
import type { Run } from 'sarif';
import { loadConfig } from '../config/load.js';
import { DEFAULTS } from '../config/sections/defaults.js';
import { ConfigError, ScannerError } from '../errors.js';
import { ciFacts } from '../runners/ci-facts.js';
import { runJobs } from '../runners/orchestrate.js';
import { parseOnly, planJobs } from '../runners/plan.js';
import { plainProgress, silentProgress, ttyProgress, type Progress } from '../runners/progress.js';
import { forTerminalLine } from '../text/escape.js';
import type { CheckOptions } from './check.js';
import { write, type CliContext } from './context.js';

export interface RunOptions extends Omit<CheckOptions, 'format'> {
  only?: string[];
  keepWork?: boolean;
}

/**
 * `secgate run`: plan one job per configured scanner, run them (p-limit, timeouts that stop the
 * whole process tree), add the reports secgate.yml lists, then the same gate and outputs as
 * `secgate check`. A scanner that fails is a failed run in the log: exit 2, unless optional.
 */
export async function run(opts: RunOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd, opts.profile);
  const only = parseOnly(opts.only);
  const jobs = planJobs(config.scanners ?? {}, config.defaults ?? DEFAULTS, only);
  // --only picks scanners; the already-produced reports belong to the full run.
  const reports = only ? [] : (config.reports ?? []);
  if (!jobs.length && !reports.length) {
    throw new ConfigError(`nothing to run: ${config.source ?? 'no secgate.yml found'}${config.source ? ' has no scanners: and no reports:' : ''}`, 'configure scanners: (grype, trivy, zap, sonarqube, npm-audit) or reports: in secgate.yml, or use secgate check <reports…>');
  }
  // The gate (check.js: report readers, adapters, policy, reporters, SARIF validation) is not needed to
  // start the scanners: loaded while they work, so they start as soon as the configuration is read.
  let gate: Promise<typeof import('./check.js')> | undefined;
  const loadGate = () => (gate ??= import('./check.js'));
  // Reports first: a missing one is known before minutes of scanning.
  const reportRuns = reports.length ? await (await loadGate()).readReports(reports, config, ctx) : [];

  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new DOMException('interrupted', 'AbortError'));
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  let outcomes;
  // While the scanners work (seconds to minutes, mostly waiting), load the gate — once every job has
  // started, so loading it does not hold back their start. A failed load is reported by the await below.
  let warm: NodeJS.Timeout | undefined;
  let started = 0;
  const progress = progressFor(opts, ctx);
  const startsBeforeWarm = Math.min(jobs.length, config.defaults?.concurrency ?? DEFAULTS.concurrency);
  try {
    outcomes = await runJobs(jobs, {
      concurrency: config.defaults?.concurrency ?? DEFAULTS.concurrency,
      cwd: ctx.cwd,
      env: ctx.env,
      ci: ciFacts(ctx.env),
      now: ctx.now,
      unknownSeverity: config.policy.unknown_severity,
      progress: {
        ...progress,
        started(id) {
          progress.started(id);
          if (++started === startsBeforeWarm) warm = setTimeout(() => warmUp(loadGate).catch(() => undefined), 200);
        },
      },
      signal: interrupt.signal,
      keepWorkDirs: opts.keepWork ?? false,
      onWorkRoot: (dir) => {
        if (opts.keepWork) ctx.stderr.write(`secgate: the scanners' work directories are kept in ${dir}\n`);
      },
    });
  } finally {
    clearTimeout(warm);
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
  // One line per failed scanner, whatever else is shown (also with --quiet and --json).
  for (const o of outcomes) {
    if (!o.ok) await write(ctx.stderr, `secgate: ${o.optional ? 'warning' : 'error'}: ${forTerminalLine(o.error ?? `${o.id} failed`, 500)}${o.optional ? ' (optional: not failing the build)' : ''}\n`);
  }
  if (interrupt.signal.aborted) throw new ScannerError('secgate run', 'interrupted: every scanner was stopped, no verdict', 'run it again');
  const runs: Run[] = [...reportRuns, ...outcomes.flatMap((o) => o.runs)];
  const { finishGate } = await loadGate();
  return finishGate(runs, config, { ...opts, format: [], command: 'run' }, ctx);
}

/**
 * What the gate does first after the last scanner exits, done while they work: load it, run the
 * structural validator once (compiled at its first use) and start the collator the policy sorts
 * findings with (ICU initialises it at the first localeCompare, ~5 ms).
 */
async function warmUp(loadGate: () => Promise<unknown>): Promise<void> {
  await loadGate();
  const { warmUpSarifValidator } = await import('../sarif/validate.js');
  warmUpSarifValidator();
  'a'.localeCompare('b');
}

/** A spinner on a terminal, plain lines in CI logs and pipes, nothing with --quiet. */
function progressFor(opts: RunOptions, ctx: CliContext): Progress {
  if (opts.quiet) return silentProgress;
  const ci = ctx.env['CI'] !== undefined && ctx.env['CI'] !== '' && ctx.env['CI'] !== 'false';
  if (ctx.stderr.isTTY === true && !ci && ctx.env['TERM'] !== 'dumb') return ttyProgress(ctx.stderr);
  return plainProgress(ctx.stderr);
}
