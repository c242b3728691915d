import type { Log } from 'sarif';
import type { ThresholdRule } from '../config/sections/policy.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal width, for console layouts. */
  width?: number;
  /** Verbosity: `quiet` prints the verdict line only. */
  quiet?: boolean;
  /**
   * The `k` most important open findings, when the log's results are not in memory (a spooled log:
   * src/policy/ledger.ts); the console's pass case lists them instead of walking the results.
   */
  topOpen?: (k: number) => { shown: import('../policy/verdict.js').FindingRef[]; count: number };
  /** Size ceiling for formats that have one (markdown: GitHub's comment / step-summary limits). */
  maxChars?: number;
  /** Heading for formats that show one. */
  title?: string;
  /** The clock, for anything dated in a report (waivers expiring soon). Reports never read Date.now(). */
  now?: Date;
  /**
   * The policy's fail_on rules, for per-finding formats (JUnit, Code Quality) to mark which
   * findings violate it; default: the built-in policy (critical or high).
   */
  failOn?: readonly ThresholdRule[];
  /** The SARIF report's file layout (src/report/sarif.ts SarifLayout); default `auto`. */
  sarifLayout?: 'auto' | 'pretty' | 'lines';
}

/** One output format. The verdict is read from the log (embedded by the gate), never recomputed. */
export interface Reporter {
  readonly format: string;
  readonly description: string;
  /** File extension for `-o` defaults. */
  readonly extension: string;
  render(log: Log, opts: RenderOptions): string;
  /** The same text as render, in pieces, for reports that can outgrow one string (the SARIF log, Code Quality, JUnit). */
  chunks?(log: Log, opts: RenderOptions): Iterable<string>;
}
