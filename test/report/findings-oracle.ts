/**
 * TEST ORACLE: findingsOf as it was before eachFinding (rules of a run in a Map, every result's
 * view built into one array). Reads only in-memory logs (hydrated).
 */
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { FindingView } from '../../src/report/findings.js';
import { eachResult, isSuppressed, kindOf, locationUri, props, severityOf, startLine, toolName } from '../../src/sarif/props.js';

export function findingsOf(log: Log): FindingView[] {
  const out: FindingView[] = [];
  // Rules by id, per run: results without ruleIndex would otherwise search the list each time.
  const byRun = new Map<Run, Map<string, ReportingDescriptor>>();
  for (const { run, result } of eachResult(log)) {
    let rules = byRun.get(run);
    if (!rules) {
      rules = new Map();
      for (const r of run.tool.driver.rules ?? []) if (!rules.has(r.id)) rules.set(r.id, r);
      byRun.set(run, rules);
    }
    out.push(viewOf(run, result, rules));
  }
  return out;
}

function viewOf(run: Run, r: Result, rulesById: Map<string, ReportingDescriptor>): FindingView {
  const p = props(r);
  const rule = ruleOf(run, r, rulesById);
  const ruleProps = (rule?.properties ?? {}) as { tags?: unknown; cwe?: unknown };
  const tags = strings(p.tags ?? ruleProps.tags);
  const cwe = strings(p.cwe ?? ruleProps.cwe);
  for (const t of tags) {
    const m = /^CWE-(\d+)$/i.exec(t);
    if (m && !cwe.includes(`CWE-${m[1]}`)) cwe.push(`CWE-${m[1]}`);
  }
  const pkg = p.packageName ? (p.packageVersion ? `${p.packageName}@${p.packageVersion}` : p.packageName) : undefined;
  return {
    tool: toolName(run),
    category: (run.automationDetails?.id ?? '').replace(/\/$/, ''),
    kind: kindOf(r, run),
    ruleId: r.ruleId ?? rule?.id ?? '(no rule)',
    ruleName: rule?.name,
    severity: severityOf(r),
    level: r.level ?? 'warning',
    message: r.message?.text ?? r.message?.markdown ?? '',
    uri: locationUri(r),
    line: startLine(r),
    package: pkg,
    fixedVersions: strings(p.fixedVersions),
    cwe,
    tags,
    url: typeof p.url === 'string' ? p.url : undefined,
    helpUri: rule?.helpUri,
    suppressed: isSuppressed(r),
    suppressions: (r.suppressions ?? []).map((s) => {
      const sp = (s.properties ?? {}) as Record<string, unknown>;
      const expires = sp['expires'] ?? sp['expiry'] ?? sp['expiresOn'];
      return {
        kind: s.kind,
        status: s.status,
        justification: s.justification,
        expires: typeof expires === 'string' ? expires : undefined,
      };
    }),
    baselineState: r.baselineState,
    fingerprint: r.partialFingerprints?.['secgate/v1'] ?? Object.values(r.partialFingerprints ?? {})[0] ?? Object.values(r.fingerprints ?? {})[0],
    correlationGuid: r.correlationGuid,
  };
}

function ruleOf(run: Run, r: Result, rulesById: Map<string, ReportingDescriptor>): ReportingDescriptor | undefined {
  const rules = run.tool.driver.rules ?? [];
  if (typeof r.ruleIndex === 'number' && rules[r.ruleIndex]) return rules[r.ruleIndex];
  return r.ruleId !== undefined ? rulesById.get(r.ruleId) : undefined;
}

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}

