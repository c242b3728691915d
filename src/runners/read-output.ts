import { readFile } from 'node:fs/promises';
import type { Run } from 'sarif';
import { ScannerError, isSecgateError } from '../errors.js';
import type { RunnerContext } from './types.js';

export interface ScannerOutput {
  /** The report's name as shown in messages and recorded in the run (e.g. "grype.json"). */
  name: string;
  /** Where the scanner wrote it; omit when `text` is given (captured stdout). */
  path?: string;
  text?: string;
  /** The adapter id (format) the scanner was asked for; detected from the content when absent. */
  format?: string;
  /** How the process ended, for the message when there is no report (from execScanner). */
  exit?: { exitCode: number; stderrTail: string };
}

/**
 * A scanner's report → SARIF runs through the same adapters `secgate check` uses. No report,
 * an empty one or an unreadable one is the scanner's failure (a ScannerError), not a pass.
 */
export async function readScannerOutput(scanner: string, out: ScannerOutput, ctx: RunnerContext): Promise<Run[]> {
  let text = out.text;
  if (text === undefined) {
    try {
      text = await readFile(out.path!, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ScannerError(
        scanner,
        code === 'ENOENT' ? `finished${out.exit ? ` (exit code ${out.exit.exitCode})` : ''} but wrote no report (expected ${out.path})${lastLine(out.exit?.stderrTail)}` : `its report ${out.path} cannot be read: ${(e as Error).message}`,
        'check the scanner log above; re-run with --debug',
      );
    }
  }
  // Loaded when the first report arrives: the adapters are not needed to start the scanners (`secgate run` start-up).
  const { parseReport } = await import('../io/read-report.js');
  try {
    const { runs } = parseReport({ path: out.name, format: out.format }, text, { unknownSeverity: ctx.unknownSeverity });
    for (const run of runs) {
      const src = (run.properties ??= {})['source'] as Record<string, unknown> | undefined;
      run.properties['source'] = { ...(src ?? {}), scanner };
    }
    return runs;
  } catch (e) {
    // The adapter may itself say the scan failed (npm's error object): that line as it is.
    if (e instanceof ScannerError) throw e;
    if (isSecgateError(e)) throw new ScannerError(scanner, `its report is unreadable: ${e.oneLine()}`, undefined, undefined, undefined, { cause: e });
    throw e;
  }
}

function lastLine(tail: string | undefined): string {
  const line = tail?.split('\n').pop()?.trim();
  return line ? `: ${line.length > 300 ? `${line.slice(0, 299)}…` : line}` : '';
}
