import type { Invocation, Run } from 'sarif';
import type { ProcessRecord } from './types.js';

/**
 * Record how the scanner ran in each of its runs: the (redacted) command line and exit code
 * of its last process, and the job's start and end. Keeps what the adapter said about
 * success (a report can itself say the tool failed) and never turns a failure into success.
 */
export function recordInvocation(run: Run, records: readonly ProcessRecord[], start: Date, end: Date): void {
  const last = records[records.length - 1];
  const existing = run.invocations?.[0];
  const successful = (existing?.executionSuccessful ?? true) && records.every((r) => r.executionSuccessful);
  const inv: Invocation = {
    ...(existing ?? {}),
    ...(last ? { commandLine: last.commandLine } : {}),
    ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}),
    ...(last?.signal ? { exitSignalName: last.signal } : {}),
    startTimeUtc: start.toISOString(),
    endTimeUtc: end.toISOString(),
    executionSuccessful: successful,
  };
  run.invocations = [inv, ...(run.invocations?.slice(1) ?? [])];
}
