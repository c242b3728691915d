import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Run } from 'sarif';
import { isSecgateError } from '../errors.js';
import type { Severity } from '../sarif/severity.js';
import { failedRun } from './failed-run.js';
import { recordInvocation } from './invocation.js';
import type { Job } from './plan.js';
import { silentProgress, type Progress } from './progress.js';
import { makeRedactor, redactDeep } from './redact.js';
import type { CiFacts, ProcessRecord, RunnerContext } from './types.js';

export interface OrchestrateOptions {
  concurrency: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  ci?: CiFacts;
  now: () => Date;
  unknownSeverity: Severity;
  progress?: Progress;
  /** Aborts every job (Ctrl-C). */
  signal?: AbortSignal;
  /** Keep the per-scanner work directories (debugging); told where they are. */
  keepWorkDirs?: boolean;
  onWorkRoot?: (dir: string) => void;
}

export interface JobOutcome {
  id: string;
  ok: boolean;
  optional: boolean;
  runs: Run[];
  /** The one line for a failed job. */
  error?: string;
  ms: number;
  findings: number;
}

/**
 * Run the jobs, at most `concurrency` at once, each with its own timeout (which stops its whole
 * process tree) and its own work directory. Never throws for a scanner's failure: a failed job
 * yields a failed run, so one broken scanner cannot hide the others' results.
 */
export async function runJobs(jobs: readonly Job[], opts: OrchestrateOptions): Promise<JobOutcome[]> {
  const progress = opts.progress ?? silentProgress;
  const limit = pLimit(Math.max(1, opts.concurrency));
  const root = await mkdtemp(join(tmpdir(), 'secgate-run-'));
  opts.onWorkRoot?.(root);
  try {
    return await Promise.all(jobs.map((job) => limit(() => runJob(job, root, opts, progress))));
  } finally {
    progress.close();
    if (!opts.keepWorkDirs) await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function runJob(job: Job, root: string, opts: OrchestrateOptions, progress: Progress): Promise<JobOutcome> {
  const workDir = join(root, job.id);
  await mkdir(workDir, { recursive: true });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${job.timeoutMs} ms`, 'TimeoutError')), job.timeoutMs);
  const onOuterAbort = () => controller.abort(opts.signal?.reason ?? new DOMException('interrupted', 'AbortError'));
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const records: ProcessRecord[] = [];
  const ctx: RunnerContext = {
    cwd: opts.cwd,
    env: opts.env,
    workDir,
    timeoutMs: job.timeoutMs,
    signal: controller.signal,
    progress: (m) => progress.message(job.id, m),
    unknownSeverity: opts.unknownSeverity,
    optional: job.optional,
    ci: opts.ci ?? {},
    now: opts.now,
    record: (r) => records.push(r),
  };
  const start = opts.now();
  const t0 = performance.now();
  progress.started(job.id);
  let outcome: JobOutcome;
  try {
    // A scanner can echo what it was given (a registry token in an error, a URL with credentials).
    const runs = redactDeep(await withTimeout(job.runner.run(job.config, ctx), controller.signal, job), makeRedactor(opts.env, tokenEnvOf(job)));
    const end = opts.now();
    for (const run of runs) recordInvocation(run, records, start, end);
    const findings = runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
    outcome = { id: job.id, ok: true, optional: job.optional, runs, ms: performance.now() - t0, findings };
  } catch (e) {
    const end = opts.now();
    // A runner's message could quote a secret it was given: redact before it reaches any output.
    const redact = makeRedactor(opts.env, tokenEnvOf(job));
    const message = redact(isSecgateError(e) ? e.oneLine() : `${job.id}: ${(e as Error)?.message ?? String(e)}`);
    outcome = { id: job.id, ok: false, optional: job.optional, runs: [failedRun(job, message, records, start, end, opts.unknownSeverity)], error: message, ms: performance.now() - t0, findings: 0 };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
  progress.finished(job.id, outcome);
  return outcome;
}

/**
 * A runner that ignores its signal (an HTTP poll, a bug) must not hold the gate past its
 * timeout: the job fails at the deadline whatever the runner does.
 */
function withTimeout<T>(p: Promise<T>, signal: AbortSignal, job: Job): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // Give exec's own kill-and-report (a process-group kill, `docker rm --force`) time to produce the
      // precise message first: on a loaded CI machine 3 s was not always enough.
      setTimeout(() => reject(abortError(signal, job)), 10_000).unref?.();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortError(signal: AbortSignal, job: Job): Error {
  const r = signal.reason as { name?: string } | undefined;
  return new Error(r?.name === 'TimeoutError' ? `timed out after ${job.timeoutMs / 1000}s and was stopped — raise scanners.${job.id}.timeout (or defaults.timeout)` : 'interrupted');
}

function tokenEnvOf(job: Job): string[] {
  const t = job.config['token_env'];
  return typeof t === 'string' ? [t] : [];
}
