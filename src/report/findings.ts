import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { eachResult, isSuppressed, kindOf, locationUri, props, severityOf, startLine, toolName } from '../sarif/props.js';
import { rank, type Severity } from '../sarif/severity.js';
import { isSpooledRules, type SpooledRules } from '../sarif/spooled-rules.js';

/** A suppression as a reader needs it: who accepted the risk, why, until when. */
export interface SuppressionView {
  kind: string;
  status?: string;
  justification?: string;
  /** YYYY-MM-DD (or an ISO date) when the waiver stops holding, if the log records one. */
  expires?: string;
}

/**
 * One result flattened for the human-facing reports. Every string in here is hostile text
 * straight from a scanner: each reporter escapes it for its own sink.
 */
export interface FindingView {
  tool: string;
  category: string;
  kind?: string;
  ruleId: string;
  ruleName?: string;
  severity: Severity;
  level: string;
  message: string;
  uri?: string;
  line?: number;
  package?: string;
  fixedVersions: string[];
  cwe: string[];
  tags: string[];
  url?: string;
  helpUri?: string;
  suppressed: boolean;
  suppressions: SuppressionView[];
  /** SARIF baselineState: new, unchanged, updated, absent (absent = fixed since the baseline). */
  baselineState?: string;
  fingerprint?: string;
  correlationGuid?: string;
}

export function findingsOf(log: Log): FindingView[] {
  return [...eachFinding(log)];
}

/**
 * The findings of a log one at a time, in order: a reader that keeps a few (top-k, counts) never
 * holds them all, and a spooled run (SpooledResults, SpooledRules) is read sequentially, its rules
 * one by one as results name them.
 */
export function* eachFinding(log: Log): Generator<FindingView, void, undefined> {
  const views = new FindingViews();
  for (const { run, result } of eachResult(log)) yield views.of(run, result);
}

/** eachFinding's views for a caller walking the results itself (to do more with each): give them in the log's order. */
export class FindingViews {
  private run: Run | undefined;
  private rules: RuleOf | undefined;

  of(run: Run, result: Result): FindingView {
    if (run !== this.run || !this.rules) {
      this.run = run;
      this.rules = ruleLookup(run);
    }
    return viewOf(run, result, this.rules);
  }
}

type RuleOf = (r: Result) => ReportingDescriptor | undefined;

/** A run's rule of a result: by ruleIndex when it names one, else by ruleId (the first rule with that id). */
function ruleLookup(run: Run): RuleOf {
  const rules = ruleReader(run);
  return (r) => {
    if (typeof r.ruleIndex === 'number') {
      const rule = rules.at(r.ruleIndex);
      if (rule) return rule;
    }
    return r.ruleId === undefined ? undefined : rules.byId(r.ruleId);
  };
}

/**
 * A run's rules by number and by id (the first rule with that id, as `rules.find` gives it), without
 * indexing a spooled list (SpooledRules: its at(i) and indexOf(id), each rule read as it is named).
 */
export function ruleReader(run: Run): { at(i: number): ReportingDescriptor | undefined; byId(id: string | undefined): ReportingDescriptor | undefined } {
  const rules = run.tool.driver.rules ?? [];
  if (isSpooledRules(rules)) {
    const spooled: SpooledRules = rules;
    // One read per rule named; results naming the same rule one after another (SARIF tools) read it once.
    let lastIndex = -1;
    let last: ReportingDescriptor | undefined;
    const at = (i: number) => (!Number.isInteger(i) || i < 0 || i >= spooled.length ? undefined : i === lastIndex ? last : ((lastIndex = i), (last = spooled.at(i))));
    return { at, byId: (id) => (id === undefined ? undefined : at(spooled.indexOf(id))) };
  }
  // Rules by id, made on first use: results without ruleIndex would otherwise search the list each time.
  let byId: Map<string | undefined, ReportingDescriptor> | undefined;
  return {
    at: (i) => rules[i],
    byId: (id) => {
      if (!byId) {
        byId = new Map();
        for (const rule of rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
      }
      return byId.get(id);
    },
  };
}

/** Most severe first; then tool, rule and location, so every report orders findings the same. */
export function bySeverity(a: FindingView, b: FindingView): number {
  return (
    rank(b.severity) - rank(a.severity) ||
    cmp(a.tool, b.tool) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.uri ?? '', b.uri ?? '') ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}

/** Still there and not waived: what a reader must act on (absent = fixed since the baseline). */
export function isOpen(f: FindingView): boolean {
  return !f.suppressed && f.baselineState !== 'absent';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function viewOf(run: Run, r: Result, ruleOf: RuleOf): FindingView {
  const p = props(r);
  const rule = ruleOf(r);
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

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}

/** Waivers (accepted suppressions with an expiry date) sorted by the soonest expiry. */
export function expiringWaivers(findings: Iterable<FindingView>, now?: Date, withinDays = 30): { finding: FindingView; expires: string; daysLeft?: number }[] {
  const out: { finding: FindingView; expires: string; daysLeft?: number }[] = [];
  for (const f of findings) {
    for (const s of f.suppressions) {
      if (!s.expires) continue;
      const t = Date.parse(s.expires.length === 10 ? `${s.expires}T23:59:59Z` : s.expires);
      if (Number.isNaN(t)) continue;
      const daysLeft = now ? Math.floor((t - now.getTime()) / 86_400_000) : undefined;
      if (daysLeft !== undefined && daysLeft > withinDays) continue;
      out.push({ finding: f, expires: s.expires, daysLeft });
    }
  }
  return out.sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : bySeverity(a.finding, b.finding)));
}
