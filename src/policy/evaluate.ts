import type { Log, Result, Run } from 'sarif';
import type { PolicyConfig, ThresholdRule } from '../config/sections/policy.js';
import { locationUri, props, runOptional, runSucceeded, severityOf, startLine, toolName } from '../sarif/props.js';
import { rank } from '../sarif/severity.js';
import type { Summary } from '../sarif/summary.js';
import { toolMatches } from './glob.js';
import { describeRule } from './match.js';
import { checkQualityGates } from './quality-gate.js';
import type { FindingRef, Reason, Verdict, VerdictContext } from './verdict.js';

export { describeRule, matches } from './match.js';

/** How many findings a reason names by default (the rest are counted). */
export const TOP_FINDINGS = 10;

/** Reason codes that mean "no verdict possible" (exit 2) rather than "policy violated". */
export const ERROR_CODES = new Set(['scanner-failed', 'required-scan-missing', 'nothing-scanned']);

/**
 * The policy over a merged, correlated (and baselined, waived, VEX-filtered) log → verdict.
 * Pure. Counts are of distinct issues (correlation classes), so the same CVE from Grype and Trivy
 * counts once; suppressed and absent (fixed) results never count.
 */
/** One threshold's count of distinct findings, and its `k` most important representatives. */
export interface ThresholdTally {
  count: number;
  top(k: number): FindingRef[];
}

/**
 * The verdict from what was counted: the thresholds' tallies (fail_on first, then warn_on) and
 * the summary, counted by the ledger (src/policy/ledger.ts) over results it may never have held. Everything else it needs (failed scanners, required scans, quality gates) is in
 * the runs.
 */
export function decideVerdict(log: Log, policy: PolicyConfig, context: VerdictContext, tallies: readonly ThresholdTally[], summary: Summary): Verdict {
  const reasons: Reason[] = [];
  const warnings: Reason[] = [];
  const top = policy.explain_top ?? TOP_FINDINGS;

  for (const run of log.runs) {
    if (runSucceeded(run)) continue;
    const note = run.invocations?.find((i) => i.executionSuccessful === false)?.toolExecutionNotifications?.[0]?.message.text ?? 'the scanner did not complete';
    const r: Reason = { code: 'scanner-failed', message: `${toolName(run)} (${(run.automationDetails?.id ?? '').replace(/\/$/, '')}) failed: ${note}` };
    (runOptional(run) ? warnings : reasons).push(runOptional(run) ? { ...r, code: 'optional-scanner-failed', message: `${r.message} (optional: not failing the build)` } : r);
  }
  reasons.push(...missingRequiredScans(log, policy));
  // Every scanner optional and every one failed: nothing was scanned, so a pass would be a lie.
  if (log.runs.length && !log.runs.some(runSucceeded)) {
    reasons.push({ code: 'nothing-scanned', message: `no scanner completed (${log.runs.length} failed, all optional): there is nothing to decide on — fix at least one of them` });
  }

  warnings.push(...scannerNotes(log));

  const gate = checkQualityGates(log, policy.quality_gate ?? 'enforce');
  reasons.push(...gate.reasons);
  warnings.push(...gate.warnings);

  policy.fail_on.forEach((rule, i) => {
    const r = thresholdReason(tallies[i]!, rule, `fail_on[${i}]`, top);
    if (r) reasons.push(r);
  });
  policy.warn_on.forEach((rule, i) => {
    const r = thresholdReason(tallies[policy.fail_on.length + i]!, rule, `warn_on[${i}]`, top);
    if (r) warnings.push({ ...r, code: 'threshold-warning' });
  });
  if (!context.baseline && [...policy.fail_on, ...policy.warn_on].some((r) => r.new === true)) {
    warnings.push({ code: 'no-baseline', message: 'a rule counts only new findings, but no --baseline or --diff-base was given: every finding counts as new' });
  }
  warnings.push(...waiverWarnings(context));

  const status = reasons.some((r) => ERROR_CODES.has(r.code)) ? 'error' : reasons.length ? 'fail' : 'pass';
  return { status, reasons, warnings, summary, ...context };
}

/**
 * What a scanner that completed said went wrong (SARIF toolExecutionNotifications of level error or
 * warning, the default level): a resource it could not scan, lines it skipped. Not a failure, but a
 * pass over a partial scan must say so — one warning per run, its first such note and how many.
 */
function scannerNotes(log: Log): Reason[] {
  const out: Reason[] = [];
  for (const run of log.runs) {
    if (!runSucceeded(run)) continue; // a failed run is a reason of its own (above)
    let errors = 0;
    let count = 0;
    let first: string | undefined;
    for (const inv of run.invocations ?? []) {
      for (const n of inv.toolExecutionNotifications ?? []) {
        const level = n.level ?? 'warning';
        if (level !== 'error' && level !== 'warning') continue;
        count++;
        if (level === 'error') errors++;
        first ??= n.message?.text ?? n.message?.markdown ?? '(no message)';
      }
    }
    if (!count) continue;
    const what = errors ? `${errors} error${errors === 1 ? '' : 's'}${count > errors ? ` and ${count - errors} warning${count - errors === 1 ? '' : 's'}` : ''}` : `${count} warning${count === 1 ? '' : 's'}`;
    const clipped = first!.length > 300 ? `${first!.slice(0, 299)}…` : first!;
    out.push({ code: 'scanner-notes', message: `${toolName(run)} completed with ${what}: ${clipped}${count > 1 ? ` (and ${count - 1} more in the SARIF log's invocations)` : ''}` });
  }
  return out;
}

/** policy.require: kinds or tools that must have run (and succeeded) for a verdict to mean anything. */
function missingRequiredScans(log: Log, policy: PolicyConfig): Reason[] {
  const out: Reason[] = [];
  const ran = log.runs.filter(runSucceeded);
  for (const kind of policy.require?.kinds ?? []) {
    if (!ran.some((r) => r.properties?.['kind'] === kind)) {
      out.push({ code: 'required-scan-missing', rule: `require.kinds: ${kind}`, message: `no ${kind} scan ran successfully, and the policy requires one — add a ${kind} scanner's report (or its scanner) to this job` });
    }
  }
  for (const tool of policy.require?.tools ?? []) {
    if (!ran.some((r) => toolMatches(tool, toolName(r)))) {
      out.push({ code: 'required-scan-missing', rule: `require.tools: ${tool}`, message: `${tool} did not run successfully, and the policy requires it — add its report to this job` });
    }
  }
  return out;
}

function waiverWarnings(context: VerdictContext): Reason[] {
  const out: Reason[] = [];
  for (const w of context.waivers ?? []) {
    const who = `for ${w.scope}`;
    if (w.state === 'expired') out.push({ code: 'waiver-expired', rule: w.origin, message: `waiver ${who} expired on ${w.expires}${w.matched ? `; ${w.matched} finding${w.matched === 1 ? '' : 's'} it covered count again` : ''} — renew it with a new date or fix the findings` });
    else if (w.state === 'expiring') out.push({ code: 'waiver-expiring', rule: w.origin, message: `waiver ${who} expires ${w.expires} (in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'}); ${w.matched} finding${w.matched === 1 ? '' : 's'} will count again` });
    else if (w.state === 'stale' && w.source === 'secgate') out.push({ code: 'waiver-stale', rule: w.origin, message: `waiver ${who} matched nothing — remove it` });
  }
  // A scanner's ignore file often lists ids for scans this job does not run: one line per file, not per entry.
  const staleByFile = new Map<string, number>();
  for (const w of context.waivers ?? []) {
    if (w.state === 'stale' && w.source !== 'secgate') {
      const file = w.origin.replace(/(:\d+| [a-z]+\[\d+\])$/, '');
      staleByFile.set(file, (staleByFile.get(file) ?? 0) + 1);
    }
  }
  for (const [file, n] of staleByFile) out.push({ code: 'waiver-stale', rule: file, message: `${n} entr${n === 1 ? 'y' : 'ies'} of ${file} matched nothing (listed by \`secgate explain\`)` });
  return out;
}

function thresholdReason(t: ThresholdTally, rule: ThresholdRule, name: string, top: number): Reason | undefined {
  const max = rule.max ?? 0;
  const count = t.count;
  if (count <= max) return undefined;
  return {
    code: 'threshold',
    rule: `${name}: ${describeRule(rule)}`,
    message: `${count} distinct finding${count === 1 ? '' : 's'} with ${describeRule(rule)} (allowed: ${max})`,
    count,
    max,
    findings: t.top(top),
  };
}

/** byImportance over two results, read straight from them (no FindingRef built to compare). */
export function importance(runA: Run, a: Result, runB: Run, b: Result): number {
  return (
    rank(severityOf(b)) - rank(severityOf(a)) ||
    (a.ruleId ?? 'unknown').localeCompare(b.ruleId ?? 'unknown') ||
    refLocation(a).localeCompare(refLocation(b)) ||
    toolName(runA).localeCompare(toolName(runB))
  );
}

/** FindingRef.location as byImportance compares it ('' when there is none). */
function refLocation(r: Result): string {
  return (props(r).url ?? locationUri(r)) || '';
}

export function findingRef(run: Run, result: Result): FindingRef {
  const p = props(result);
  const ref: FindingRef = {
    tool: toolName(run),
    ruleId: result.ruleId ?? 'unknown',
    severity: severityOf(result),
    message: result.message.text ?? '',
  };
  if (p.packageName) ref.package = `${p.packageName}${p.packageVersion ? `@${p.packageVersion}` : ''}`;
  const uri = p.url ?? locationUri(result);
  if (uri) ref.location = uri;
  const line = startLine(result);
  if (line) ref.line = line;
  if (p.fixedVersions?.length) ref.fixedVersions = p.fixedVersions;
  if (result.correlationGuid) ref.correlationGuid = result.correlationGuid;
  if (result.baselineState) ref.baselineState = result.baselineState;
  return ref;
}

export function byImportance(a: FindingRef, b: FindingRef): number {
  return rank(b.severity) - rank(a.severity) || a.ruleId.localeCompare(b.ruleId) || (a.location ?? '').localeCompare(b.location ?? '') || a.tool.localeCompare(b.tool);
}
