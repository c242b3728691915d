import type { Run } from 'sarif';
import type { Severity } from '../sarif/severity.js';
import type { ToolKind } from '../sarif/props.js';

/** Keys every scanner entry in `scanners:` takes (secgate.yml). */
export interface CommonScannerConfig {
  /** A failure of an optional scanner is a warning recorded in the SARIF, not exit 2. */
  optional?: boolean;
  /** Duration like "10m", "90s"; overrides defaults.timeout. */
  timeout?: string;
  /** Extra arguments appended to the scanner's command line (an array: never a shell string). */
  args?: string[];
  /** native: the scanner's own executable on PATH; docker: its official image. */
  runner?: 'native' | 'docker';
  /** Docker image override (runner: docker). */
  image?: string;
}

/** CI facts read once at the edge (branch, pull/merge request) for runners that scope by them. */
export interface CiFacts {
  provider?: 'github' | 'gitlab' | 'local';
  branch?: string;
  pullRequest?: string;
  baseBranch?: string;
  commit?: string;
}

export interface RunnerContext {
  /** The project directory secgate runs in. */
  cwd: string;
  /** Environment to pass to scanners and to read token_env variables from. Never logged. */
  env: NodeJS.ProcessEnv;
  /** A fresh private directory for this scanner's report files. */
  workDir: string;
  /** Effective timeout for this scanner, in ms. */
  timeoutMs: number;
  /** Aborted on timeout or interrupt: runners must stop their processes/requests. */
  signal: AbortSignal;
  /** One progress line (shown on a TTY as a spinner line, in CI as a plain line). */
  progress: (message: string) => void;
  unknownSeverity: Severity;
  /** The scanner is `optional: true`: its failure is a warning, so its error does not suggest marking it so. */
  optional?: boolean;
  ci: CiFacts;
  now: () => Date;
  /**
   * Where src/runners/exec.ts reports each process it ran (command line already redacted), so
   * the run command can record it as the SARIF run's invocation. Optional: runners never call it
   * themselves, and a context built in a test may leave it out.
   */
  record?: (invocation: ProcessRecord) => void;
}

/** One scanner process as the SARIF invocation records it (secrets already redacted). */
export interface ProcessRecord {
  commandLine: string;
  exitCode?: number | undefined;
  /** Set when the process ended by a signal (killed at its timeout, crashed). */
  signal?: string | undefined;
  startTimeUtc: string;
  endTimeUtc: string;
  /** False when the exit code (or signal) means the scanner failed rather than reported. */
  executionSuccessful: boolean;
}

/**
 * How to run one scanner and turn its output into SARIF runs. Runners are the only code (with
 * publishers) that starts processes or calls the network. Failure is a thrown ScannerError
 * (missing executable, failure exit code, timeout, no/unreadable report, API error); the run
 * command records it as a failed run (executionSuccessful: false), so the gate fails closed
 * unless the scanner is `optional`.
 */
export interface ScannerRunner<C extends object = Record<string, unknown>> {
  /** The key under `scanners:` in secgate.yml. */
  readonly id: string;
  /** JSON Schema (properties only) of this scanner's own keys; the common keys are added. */
  readonly configProperties: Record<string, unknown>;
  readonly requiredKeys?: readonly string[];
  /** tool.driver.name of the runs it produces (used for the run recorded when it fails). */
  readonly toolName?: string;
  readonly kind?: ToolKind;
  run(config: C & CommonScannerConfig, ctx: RunnerContext): Promise<Run[]>;
}
