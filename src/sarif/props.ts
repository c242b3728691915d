import type { Result, Run, Log } from 'sarif';
import { isSeverity, type Severity } from './severity.js';
import { isSpooled, type SpooledResults } from './spooled-types.js';

/** The kinds of tool secgate knows; policies match on them. */
export const TOOL_KINDS = ['sast', 'dast', 'sca', 'container', 'secret', 'iac', 'runtime', 'license'] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

export interface CvssScore {
  score: number;
  version?: string;
  vector?: string;
  source?: string;
}

/**
 * What secgate keeps in a result's property bag. Flat keys (GitHub and other SARIF consumers
 * read `security-severity` and `tags` from here), all optional except the two severities.
 */
export interface FindingProps {
  /** Normalised severity. */
  severity: Severity;
  /** GitHub's number-as-string, inside the band of `severity`. */
  'security-severity': string;
  /** The scanner's own word, kept for audit. */
  nativeSeverity?: string;
  /** Set when the scanner gave no usable severity and the policy's unknown_severity was applied. */
  severityUnknown?: boolean;
  kind?: ToolKind;
  tags?: string[];
  // Vulnerabilities in packages
  vulnerabilityId?: string;
  aliases?: string[];
  purl?: string;
  packageName?: string;
  packageVersion?: string;
  /** Package type/ecosystem (npm, deb, apk, golang, maven…). */
  ecosystem?: string;
  fixedVersions?: string[];
  /** fixed | not-fixed | wont-fix | unknown (Grype's and Trivy's words, normalised). */
  fixState?: string;
  cvss?: CvssScore[];
  epss?: number;
  kev?: boolean;
  cwe?: string[];
  // Dynamic scans
  url?: string;
  method?: string;
  param?: string;
  [key: string]: unknown;
}

export function props(r: Result): Partial<FindingProps> {
  return (r.properties ?? {}) as Partial<FindingProps>;
}

export function severityOf(r: Result): Severity {
  const s = props(r).severity;
  return isSeverity(s) ? s : 'medium';
}

export function kindOf(r: Result, run: Run): ToolKind | undefined {
  return (props(r).kind ?? (run.properties?.['kind'] as ToolKind | undefined)) || undefined;
}

export function toolName(run: Run): string {
  return run.tool.driver.name;
}

export function isSuppressed(r: Result): boolean {
  // A suppression under review or rejected does not hide the result (SARIF §3.35.3).
  const list = r.suppressions;
  if (!list) return false; // the common case: no array to allocate and walk
  for (const s of list) if (s.status === undefined || s.status === 'accepted') return true;
  return false;
}

/**
 * Is this result a problem found? SARIF §3.27.9: `fail` (the default) is; `open` and `review`
 * need a person to decide, so the gate counts them (it fails closed); `pass`, `notApplicable`
 * and `informational` are records of checks, not findings (BinSkim, for one, writes them).
 */
export function isFinding(r: Result): boolean {
  return r.kind === undefined || r.kind === 'fail' || r.kind === 'open' || r.kind === 'review';
}

export function isFixable(r: Result): boolean {
  const p = props(r);
  return (p.fixedVersions?.length ?? 0) > 0 || p.fixState === 'fixed';
}

/** Did this run's scanner execute successfully? (reports read from files always did) */
export function runSucceeded(run: Run): boolean {
  return (run.invocations ?? []).every((i) => i.executionSuccessful !== false);
}

export function runOptional(run: Run): boolean {
  return run.properties?.['optional'] === true;
}

/** The first location's artifact URI, for messages and matching. */
export function locationUri(r: Result): string | undefined {
  return r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
}

export function startLine(r: Result): number | undefined {
  return r.locations?.[0]?.physicalLocation?.region?.startLine;
}

/**
 * Every (run, result) pair of a log, in order. Each run's results are walked with for…of, never
 * indexed: a spooled run (SpooledResults) is iterable, not indexable, and its iterator reads it
 * sequentially, one result object at a time (`[...]` would put every result back on the heap).
 */
export function* eachResult(log: Log): Generator<{ run: Run; runIndex: number; result: Result; resultIndex: number }> {
  for (let runIndex = 0; runIndex < log.runs.length; runIndex++) {
    const run = log.runs[runIndex]!;
    let resultIndex = 0;
    for (const result of run.results ?? []) yield { run, runIndex, result, resultIndex: resultIndex++ };
  }
}

/** Result `resultIndex` of a run as eachResult gave it: one read for a spooled run (its extras come after the spooled ones). */
export function resultAt(run: Run, resultIndex: number): Result {
  const results = run.results ?? [];
  if (!isSpooled(results)) return results[resultIndex]!;
  const spooled: SpooledResults = results; // its at(i), not Array#at
  return resultIndex < spooled.count ? spooled.at(resultIndex) : spooled.extras[resultIndex - spooled.count]!;
}
