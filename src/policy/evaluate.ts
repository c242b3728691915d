import type { Log, Result, Run } from 'sarif';
import type { PolicyConfig, ThresholdRule } from '../config/sections/policy.js';
import { eachResult, isSuppressed, kindOf, locationUri, props, runOptional, runSucceeded, severityOf, startLine, toolName } from '../sarif/props.js';
import { atLeast, rank } from '../sarif/severity.js';
import { summarise } from '../sarif/summary.js';
import type { FindingRef, Reason, Verdict } from './verdict.js';

/** How many findings a reason names (the rest are counted). */
export const TOP_FINDINGS = 10;

/**
 * The policy over a merged, correlated log → verdict. Pure. Counts are of distinct issues
 * (correlation classes), so the same CVE from Grype and Trivy counts once.
 */
export function evaluatePolicy(log: Log, policy: PolicyConfig): Verdict {
  const reasons: Reason[] = [];
  const warnings: Reason[] = [];

  for (const run of log.runs) {
    if (runSucceeded(run)) continue;
    const note = run.invocations?.find((i) => i.executionSuccessful === false)?.toolExecutionNotifications?.[0]?.message.text ?? 'the scanner did not complete';
    const r: Reason = { code: 'scanner-failed', message: `${toolName(run)} (${(run.automationDetails?.id ?? '').replace(/\/$/, '')}) failed: ${note}` };
    (runOptional(run) ? warnings : reasons).push(runOptional(run) ? { ...r, code: 'optional-scanner-failed', message: `${r.message} (optional: not failing the build)` } : r);
  }

  policy.fail_on.forEach((rule, i) => {
    const r = checkThreshold(log, rule, `fail_on[${i}]`);
    if (r) reasons.push(r);
  });
  policy.warn_on.forEach((rule, i) => {
    const r = checkThreshold(log, rule, `warn_on[${i}]`);
    if (r) warnings.push({ ...r, code: 'threshold-warning' });
  });

  const status = reasons.some((r) => r.code === 'scanner-failed') ? 'error' : reasons.length ? 'fail' : 'pass';
  return { status, reasons, warnings, summary: summarise(log) };
}

export function describeRule(rule: ThresholdRule): string {
  const parts: string[] = [];
  if (rule.severity) parts.push(`severity ≥ ${rule.severity}`);
  if (rule.tools?.length) parts.push(`tools: ${rule.tools.join(', ')}`);
  if (rule.kinds?.length) parts.push(`kinds: ${rule.kinds.join(', ')}`);
  if (!parts.length) parts.push('any finding');
  return parts.join(', ');
}

export function matches(rule: ThresholdRule, run: Run, result: Result): boolean {
  if (rule.severity && !atLeast(rule.severity, severityOf(result))) return false;
  if (rule.tools?.length && !rule.tools.some((t) => t.toLowerCase() === toolName(run).toLowerCase())) return false;
  if (rule.kinds?.length) {
    const k = kindOf(result, run);
    if (!k || !rule.kinds.includes(k)) return false;
  }
  return true;
}

function checkThreshold(log: Log, rule: ThresholdRule, name: string): Reason | undefined {
  const max = rule.max ?? 0;
  const classes = new Map<string, FindingRef[]>();
  for (const { run, result, runIndex, resultIndex } of eachResult(log)) {
    if (isSuppressed(result) || !matches(rule, run, result)) continue;
    const key = result.correlationGuid ?? `${runIndex}:${resultIndex}`;
    const ref = findingRef(run, result);
    const list = classes.get(key);
    if (list) list.push(ref);
    else classes.set(key, [ref]);
  }
  if (classes.size <= max) return undefined;
  // One representative per class (its most severe sighting), most severe first.
  const reps = [...classes.values()].map((refs) => [...refs].sort(byImportance)[0]!).sort(byImportance);
  return {
    code: 'threshold',
    rule: `${name}: ${describeRule(rule)}`,
    message: `${classes.size} distinct finding${classes.size === 1 ? '' : 's'} with ${describeRule(rule)} (allowed: ${max})`,
    count: classes.size,
    max,
    findings: reps.slice(0, TOP_FINDINGS),
  };
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
  const uri = locationUri(result);
  if (uri) ref.location = uri;
  const line = startLine(result);
  if (line) ref.line = line;
  if (p.fixedVersions?.length) ref.fixedVersions = p.fixedVersions;
  if (result.correlationGuid) ref.correlationGuid = result.correlationGuid;
  return ref;
}

function byImportance(a: FindingRef, b: FindingRef): number {
  return rank(b.severity) - rank(a.severity) || a.ruleId.localeCompare(b.ruleId) || (a.location ?? '').localeCompare(b.location ?? '') || a.tool.localeCompare(b.tool);
}
