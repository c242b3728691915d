import type { Result, Run } from 'sarif';
import type { ThresholdRule } from '../config/sections/policy.js';
import { isFixable, kindOf, locationUri, props, severityOf, toolName } from '../sarif/props.js';
import { atLeast } from '../sarif/severity.js';
import { purlCore } from '../scanners/package-id.js';
import { anyGlob, pathForGlob, toolMatches } from './glob.js';

/** Every id a result answers to: rule id, vulnerability id, aliases. */
export function idsOf(result: Result): string[] {
  const p = props(result);
  return [result.ruleId, p.vulnerabilityId, ...(p.aliases ?? [])].filter((x): x is string => typeof x === 'string' && x !== '');
}

export function cwesOf(result: Result): string[] {
  const p = props(result);
  const out = new Set<string>((p.cwe ?? []).map((c) => String(c).toUpperCase()));
  for (const t of p.tags ?? []) {
    const m = /^(?:CWE-|external\/cwe\/cwe-)(\d+)$/i.exec(t);
    if (m) out.add(`CWE-${m[1]}`);
  }
  return [...out];
}

/** The package URL a result is about (no qualifiers), when it is about a package. */
export function purlOf(result: Result): string | undefined {
  const p = props(result);
  return purlCore(p.purl);
}

/** A result is new when the baseline says so, or when there is no baseline at all (fail closed). */
export function isNew(result: Result): boolean {
  return result.baselineState === undefined || result.baselineState === 'new';
}

export function isAbsent(result: Result): boolean {
  return result.baselineState === 'absent';
}

/** Does this result match every matcher the rule gives? */
export function matches(rule: ThresholdRule, run: Run, result: Result): boolean {
  if (rule.severity !== undefined) {
    const s = severityOf(result);
    if (Array.isArray(rule.severity) ? !rule.severity.includes(s) : !atLeast(rule.severity, s)) return false;
  }
  if (rule.tools?.length && !rule.tools.some((t) => toolMatches(t, toolName(run)))) return false;
  if (rule.kinds?.length) {
    const k = kindOf(result, run);
    if (!k || !rule.kinds.includes(k)) return false;
  }
  if (rule.ids?.length && !anyGlob(rule.ids, idsOf(result))) return false;
  if (rule.rules?.length && !anyGlob(rule.rules, [result.ruleId])) return false;
  if (rule.cwes?.length && !anyGlob(rule.cwes, cwesOf(result))) return false;
  if (rule.paths?.length && !anyGlob(rule.paths, [pathForGlob(locationUri(result))], { caseSensitive: true })) return false;
  if (rule.urls?.length && !anyGlob(rule.urls, [props(result).url], { caseSensitive: true })) return false;
  if (rule.packages?.length && !anyGlob(rule.packages, [purlOf(result)])) return false;
  if (rule.fixable !== undefined && isFixable(result) !== rule.fixable) return false;
  if (rule.cvss !== undefined) {
    const scores = (props(result).cvss ?? []).map((c) => c.score).filter((n) => typeof n === 'number');
    if (!scores.some((n) => n >= rule.cvss!)) return false;
  }
  if (rule.epss !== undefined) {
    const e = props(result).epss;
    if (typeof e !== 'number' || e < rule.epss) return false;
  }
  if (rule.kev !== undefined && (props(result).kev === true) !== rule.kev) return false;
  if (rule.new !== undefined && isNew(result) !== rule.new) return false;
  return true;
}

/** The rule as a person would say it: "severity ≥ high, tools: zap, fixable". */
export function describeRule(rule: ThresholdRule): string {
  const parts: string[] = [];
  if (rule.severity !== undefined) parts.push(Array.isArray(rule.severity) ? `severity ${rule.severity.join('/')}` : `severity ≥ ${rule.severity}`);
  if (rule.tools?.length) parts.push(`tools: ${rule.tools.join(', ')}`);
  if (rule.kinds?.length) parts.push(`kinds: ${rule.kinds.join(', ')}`);
  if (rule.ids?.length) parts.push(`ids: ${rule.ids.join(', ')}`);
  if (rule.rules?.length) parts.push(`rules: ${rule.rules.join(', ')}`);
  if (rule.cwes?.length) parts.push(`cwes: ${rule.cwes.join(', ')}`);
  if (rule.paths?.length) parts.push(`paths: ${rule.paths.join(', ')}`);
  if (rule.urls?.length) parts.push(`urls: ${rule.urls.join(', ')}`);
  if (rule.packages?.length) parts.push(`packages: ${rule.packages.join(', ')}`);
  if (rule.fixable !== undefined) parts.push(rule.fixable ? 'fixable' : 'no fix available');
  if (rule.cvss !== undefined) parts.push(`CVSS ≥ ${rule.cvss}`);
  if (rule.epss !== undefined) parts.push(`EPSS ≥ ${rule.epss}`);
  if (rule.kev !== undefined) parts.push(rule.kev ? 'in CISA KEV' : 'not in CISA KEV');
  if (rule.new !== undefined) parts.push(rule.new ? 'new' : 'existing');
  if (!parts.length) parts.push('any finding');
  return parts.join(', ');
}
