import type { Run } from 'sarif';
import { RunBuilder } from '../sarif/builder.js';
import type { Severity } from '../sarif/severity.js';
import { recordInvocation } from './invocation.js';
import type { Job } from './plan.js';
import type { ProcessRecord } from './types.js';

/**
 * A scanner that did not produce a usable report is still a run in the log: executionSuccessful
 * false with the one-line reason as a toolExecutionNotification, so the policy fails closed
 * (or warns, for an optional scanner) and every report shows what happened.
 */
export function failedRun(job: Job, message: string, records: readonly ProcessRecord[], start: Date, end: Date, unknownSeverity: Severity): Run {
  const b = new RunBuilder({ name: job.runner.toolName ?? job.id }, job.runner.kind ?? 'sast', { file: `scanners.${job.id}`, category: `${job.id}-run`, unknownSeverity }, 'secgate-run');
  const exitCode = records[records.length - 1]?.exitCode;
  b.failed(message, exitCode);
  b.setProperty('source', { scanner: job.id });
  if (job.optional) b.setProperty('optional', true);
  const run = b.build();
  recordInvocation(run, records, start, end);
  // recordInvocation keeps failure: a failed job is never successful whatever its exit code was.
  run.invocations![0]!.executionSuccessful = false;
  return run;
}
