import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { ScannerError } from '../errors.js';
import { formatDuration } from './duration.js';
import { formatCommandLine, makeRedactor, redactArgs, type Redactor } from './redact.js';
import type { ProcessRecord, RunnerContext } from './types.js';

export interface ExecSpec {
  /** Scanner id, for messages ("grype: …"). */
  scanner: string;
  /** The executable (looked up on PATH from `env`); never a shell. */
  file: string;
  args: string[];
  /** Working directory (default ctx.cwd). */
  cwd?: string;
  /** Exit codes that mean "the scanner ran and reported" (default [0]). */
  okExitCodes?: readonly number[];
  /** Extra exit codes with their meaning, for the failure message (e.g. ZAP's 3). */
  exitCodeMeaning?: Readonly<Record<number, string>>;
  /** What to do when the executable is missing: how to install it, or `runner: docker`. */
  installHint: string;
  /** Write stdout to this file rather than holding it in memory. */
  stdoutFile?: string;
  /**
   * Run when the process had to be stopped (timeout, interrupt), for what lives outside its
   * process group: a container keeps running when its `docker run` client is killed.
   */
  onStop?: { file: string; args: string[] };
  /** Environment variables whose values must be redacted, beyond the TOKEN/PASSWORD/SECRET-named ones. */
  secretEnv?: readonly string[];
}

export interface ExecResult {
  exitCode: number;
  /** Captured stdout ('' when stdoutFile was given). */
  stdout: string;
  /** The last lines of stderr, redacted. */
  stderrTail: string;
  record: ProcessRecord;
  redact: Redactor;
}

/** How long a process gets between SIGTERM and SIGKILL when it is stopped. */
export const KILL_GRACE_MS = 2000;
/** Bytes of stderr kept for the error message. */
const STDERR_TAIL_BYTES = 4096;

/**
 * Run one scanner process: argument array (no shell), the environment given explicitly, stdin
 * closed, in its own process group so that a timeout or interrupt stops the whole tree (scanners
 * start helpers: docker, java, python). Resolves for the ok exit codes; every other outcome is a
 * ScannerError with one line (and the stderr tail). Either way the invocation is reported to
 * ctx.record with secrets redacted.
 */
export async function execScanner(spec: ExecSpec, ctx: RunnerContext): Promise<ExecResult> {
  const redact = makeRedactor(ctx.env, spec.secretEnv);
  const commandLine = redact(formatCommandLine(spec.file, redactArgs(spec.args, redact)));
  const ok = spec.okExitCodes ?? [0];
  const start = ctx.now();
  const t0 = performance.now();
  let tail = '';

  if (ctx.signal.aborted) throw stopped(spec, ctx, 0);
  // Node reports a missing cwd as ENOENT too: said apart here, or it would read "not installed".
  const cwd = spec.cwd ?? ctx.cwd;
  if (!existsSync(cwd)) throw new ScannerError(spec.scanner, `the directory to run ${spec.file} in does not exist: ${cwd}`, `check scanners.${spec.scanner} in secgate.yml`);

  const child = execa(spec.file, spec.args, {
    cwd,
    env: ctx.env,
    extendEnv: false,
    stdin: 'ignore',
    stdout: spec.stdoutFile ? { file: spec.stdoutFile } : 'pipe',
    stderr: 'pipe',
    buffer: { stdout: !spec.stdoutFile, stderr: false },
    maxBuffer: { stdout: 512 * 1024 * 1024 },
    detached: true,
    reject: false,
    stripFinalNewline: false,
  });
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });

  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const onAbort = () => {
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref?.();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  // When the scanner itself exits, helpers it left behind (holding our pipes open) go too.
  child.once('exit', () => killGroup('SIGKILL'));

  const result = await child;
  ctx.signal.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);

  const elapsed = performance.now() - t0;
  const end = ctx.now();
  const stderrTail = redact(lastLines(tail, 20));
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : undefined;
  const signal = result.signal ?? undefined;
  const success = exitCode !== undefined && ok.includes(exitCode) && !ctx.signal.aborted;
  const record: ProcessRecord = {
    commandLine,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(signal ? { signal } : {}),
    startTimeUtc: start.toISOString(),
    endTimeUtc: end.toISOString(),
    executionSuccessful: success,
  };
  ctx.record?.(record);

  if (result.code === 'ENOENT' && exitCode === undefined) {
    throw new ScannerError(spec.scanner, `"${spec.file}" was not found on PATH`, spec.installHint);
  }
  if (result.code === 'EACCES' && exitCode === undefined) {
    throw new ScannerError(spec.scanner, `"${spec.file}" is not executable (permission denied)`, spec.installHint);
  }
  if (ctx.signal.aborted) {
    if (spec.onStop) await execa(spec.onStop.file, spec.onStop.args, { env: ctx.env, extendEnv: false, stdin: 'ignore', reject: false, timeout: 15_000 });
    throw stopped(spec, ctx, elapsed, stderrTail);
  }
  if (exitCode === undefined) {
    const why = signal ? `was killed by ${signal}` : `could not be started (${redact(result.originalMessage ?? result.shortMessage ?? 'unknown error')})`;
    throw new ScannerError(spec.scanner, `${spec.file} ${why}${lastLine(stderrTail)}`, 'check the scanner log above; re-run with --debug', undefined, stderrTail);
  }
  if (!ok.includes(exitCode)) {
    const meaning = spec.exitCodeMeaning?.[exitCode];
    throw new ScannerError(
      spec.scanner,
      `${spec.file} failed with exit code ${exitCode}${meaning ? ` (${meaning})` : ''}${lastLine(stderrTail)}`,
      ctx.optional ? 'fix the cause shown' : 'fix the cause shown, or mark the scanner optional: true',
      exitCode,
      stderrTail,
    );
  }
  return { exitCode, stdout: spec.stdoutFile ? '' : String(result.stdout ?? ''), stderrTail, record, redact };
}

function stopped(spec: ExecSpec, ctx: RunnerContext, elapsed: number, stderrTail?: string): ScannerError {
  const reason = ctx.signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') {
    return new ScannerError(
      spec.scanner,
      `${spec.file} timed out after ${formatDuration(ctx.timeoutMs)} and was stopped`,
      `raise scanners.${spec.scanner}.timeout (or defaults.timeout), or make the scan smaller`,
      undefined,
      stderrTail,
    );
  }
  return new ScannerError(spec.scanner, `${spec.file} was interrupted after ${formatDuration(elapsed)}`, undefined, undefined, stderrTail);
}

function lastLines(text: string, n: number): string {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n).join('\n');
}

/** ": <the last stderr line>" — usually the scanner's own error message. */
function lastLine(tail: string): string {
  const line = tail.split('\n').pop()?.trim();
  if (!line) return '';
  return `: ${line.length > 300 ? `${line.slice(0, 299)}…` : line}`;
}
