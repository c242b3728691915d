import type { Log } from 'sarif';
import type { Severity } from '../sarif/severity.js';
import type { Summary } from '../sarif/summary.js';
import type { BaselineCounts } from './baseline.js';
import type { VexUse } from './vex.js';
import type { WaiverStatus } from './waivers.js';

export type VerdictStatus = 'pass' | 'fail' | 'error';

/** A finding named in a reason: enough to act on without opening the SARIF. */
export interface FindingRef {
  tool: string;
  ruleId: string;
  severity: Severity;
  message: string;
  /** package@version, for vulnerabilities in packages. */
  package?: string;
  location?: string;
  line?: number;
  fixedVersions?: string[];
  correlationGuid?: string;
  /** new / unchanged / updated / absent, when a baseline or diff base was given. */
  baselineState?: string;
}

export interface Reason {
  /** Machine-readable: threshold, scanner-failed, … */
  code: string;
  /** Which policy rule, as the user would recognise it ("fail_on[0]: severity ≥ high"). */
  rule?: string;
  message: string;
  count?: number;
  max?: number;
  findings?: FindingRef[];
}

export interface Verdict {
  status: VerdictStatus;
  /** Why the build fails or could not be decided. Empty on pass. */
  reasons: Reason[];
  /** What did not fail the build but should be seen. */
  warnings: Reason[];
  summary: Summary;
  /** Every waiver considered (secgate's and the scanners' ignore files) and what became of it. */
  waivers?: WaiverStatus[];
  /** Every VEX document read and how many results it suppressed. */
  vex?: VexUse[];
  /** What the results were compared with, and the counts per baselineState. */
  baseline?: BaselineInfo;
}

export interface BaselineInfo {
  /** "baseline old.sarif" or "diff-base origin/main". */
  against: string;
  counts: BaselineCounts;
  /** Findings of the baseline that are gone (absent): reported as fixed. */
  fixed: FindingRef[];
}

/** What the stages before the policy found, handed to it so it lands in the verdict. */
export interface VerdictContext {
  waivers?: WaiverStatus[];
  vex?: VexUse[];
  baseline?: BaselineInfo;
}

export const VERDICT_PROPERTY = 'secgate';

/** The verdict as embedded in the log, so later steps (report, comment) read it, not recompute it. */
export function embedVerdict(log: Log, verdict: Verdict): void {
  log.properties = { ...(log.properties ?? {}), [VERDICT_PROPERTY]: { verdict } };
}

export function readVerdict(log: Log): Verdict | undefined {
  const v = (log.properties?.[VERDICT_PROPERTY] as { verdict?: Verdict } | undefined)?.verdict;
  return v && typeof v.status === 'string' ? v : undefined;
}

export function exitCodeFor(status: VerdictStatus): 0 | 1 | 2 {
  return status === 'pass' ? 0 : status === 'fail' ? 1 : 2;
}
