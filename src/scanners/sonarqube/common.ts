import type { Suppression } from 'sarif';
import { RunBuilder, type LocationInput } from '../../sarif/builder.js';
import type { Severity } from '../../sarif/severity.js';
import { isObj, optArr, optNum, optStr, type Obj } from '../shape.js';
import type { AdapterContext } from '../types.js';

/** What a combined file (or the runner) knows about where the data came from. */
export interface SonarMeta {
  serverUrl?: string | undefined;
  serverVersion?: string | undefined;
  projectKey?: string | undefined;
  organization?: string | undefined;
  branch?: string | undefined;
  pullRequest?: string | undefined;
  analysisId?: string | undefined;
  dashboardUrl?: string | undefined;
}

export function sonarBuilder(ctx: AdapterContext, format: string, meta: SonarMeta): RunBuilder {
  const cloud = !!meta.serverUrl && /(^|\.)sonarcloud\.io(:\d+)?(\/|$)/i.test(meta.serverUrl.replace(/^https?:\/\//i, ''));
  const b = new RunBuilder(
    {
      name: cloud ? 'SonarCloud' : 'SonarQube',
      version: meta.serverVersion,
      informationUri: cloud ? 'https://sonarcloud.io' : 'https://www.sonarsource.com/products/sonarqube/',
      organization: 'SonarSource',
    },
    'sast',
    ctx,
    format,
  );
  const scope = Object.fromEntries(Object.entries({ projectKey: meta.projectKey, organization: meta.organization, branch: meta.branch, pullRequest: meta.pullRequest, analysisId: meta.analysisId }).filter(([, v]) => v !== undefined));
  if (Object.keys(scope).length) b.setProperty('sonarqube', scope);
  return b;
}

/** Standard-experience severities (issues before 10.2, and `severity` alongside impacts after). */
const LEGACY: Record<string, Severity> = { BLOCKER: 'critical', CRITICAL: 'high', MAJOR: 'medium', MINOR: 'low', INFO: 'info' };
/** Impact severities (10.2+: HIGH/MEDIUM/LOW; 10.8+/2025 adds BLOCKER and INFO). */
const IMPACT: Record<string, Severity> = { BLOCKER: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low', INFO: 'info' };
/** Hotspots have no severity: their review priority is the vulnerability probability. */
const PROBABILITY: Record<string, Severity> = { HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };

export function legacySeverity(s: string | undefined): Severity | undefined {
  return s ? LEGACY[s.toUpperCase()] : undefined;
}
export function impactSeverity(s: string | undefined): Severity | undefined {
  return s ? IMPACT[s.toUpperCase()] : undefined;
}
export function probabilitySeverity(s: string | undefined): Severity | undefined {
  return s ? PROBABILITY[s.toUpperCase()] : undefined;
}

/**
 * Component keys → repository-relative paths. The response's `components[]` give the path
 * (`path`, else `longName` for files); otherwise the key is "<projectKey>:<path>" and the
 * project prefix is stripped.
 */
export class Components {
  private readonly paths = new Map<string, string>();
  private readonly projects = new Set<string>();

  add(list: unknown, path: string): void {
    optArr(list, path).forEach((c, i) => {
      if (!isObj(c)) return;
      const key = optStr(c['key'], `${path}[${i}].key`);
      if (!key) return;
      const qualifier = optStr(c['qualifier'], `${path}[${i}].qualifier`);
      if (qualifier === 'TRK' || qualifier === 'APP' || qualifier === 'VW') {
        this.projects.add(key);
        return;
      }
      const p = optStr(c['path'], `${path}[${i}].path`) ?? (qualifier === 'FIL' || qualifier === 'UTS' ? optStr(c['longName'], `${path}[${i}].longName`) : undefined);
      if (p) this.paths.set(key, p);
    });
  }

  /** The file a component key names, or undefined when it is the project itself. */
  pathOf(component: string, project: string | undefined): string | undefined {
    const known = this.paths.get(component);
    if (known) return known;
    if (this.projects.has(component) || component === project) return undefined;
    if (project && component.startsWith(`${project}:`)) return component.slice(project.length + 1);
    // "<projectKey>:<path>" whose project we were not told: the first colon ends the key.
    const colon = component.indexOf(':');
    return colon > 0 ? component.slice(colon + 1) : component;
  }
}

/** Where a project-level issue (no file) is anchored: the file that configures the analysis. */
export const PROJECT_FILE = 'sonar-project.properties';

/** textRange (1-based lines, 0-based offsets, end exclusive) → a SARIF region (1-based columns, end exclusive). */
export function regionOf(x: Obj, path: string): Pick<LocationInput, 'startLine' | 'endLine' | 'startColumn' | 'endColumn'> {
  const tr = isObj(x['textRange']) ? x['textRange'] : undefined;
  if (tr) {
    const startLine = optNum(tr['startLine'], `${path}.textRange.startLine`);
    const endLine = optNum(tr['endLine'], `${path}.textRange.endLine`);
    const so = optNum(tr['startOffset'], `${path}.textRange.startOffset`);
    const eo = optNum(tr['endOffset'], `${path}.textRange.endOffset`);
    return { startLine, endLine, startColumn: so !== undefined ? so + 1 : undefined, endColumn: eo !== undefined ? eo + 1 : undefined };
  }
  return { startLine: optNum(x['line'], `${path}.line`) };
}

/** A finding resolved in SonarQube (false positive, accepted/won't fix, reviewed safe) stays, suppressed with the reason. */
export function sonarSuppression(justification: string, props: Record<string, string>): Suppression {
  return { kind: 'external', status: 'accepted', justification, properties: { source: 'sonarqube', ...props } };
}

/**
 * SonarQube security categories (hotspots' `securityCategory`) → CWE ids, from SonarQube's own
 * SecurityStandards.CWES_BY_SQ_CATEGORY; the category's main CWE first.
 */
export const CWES_BY_CATEGORY: Record<string, readonly number[]> = {
  'buffer-overflow': [119, 120, 131, 676, 788],
  'sql-injection': [89, 564, 943],
  'command-injection': [78, 77, 88, 214],
  'path-traversal-injection': [22],
  'ldap-injection': [90],
  'xpath-injection': [643],
  rce: [94, 95],
  dos: [400, 624],
  ssrf: [918],
  csrf: [352],
  xss: [79, 80, 81, 82, 83, 84, 85, 86, 87],
  'log-injection': [117],
  'http-response-splitting': [113],
  'open-redirect': [601],
  xxe: [611, 827],
  'object-injection': [502, 134, 470],
  'weak-cryptography': [327, 295, 297, 321, 322, 323, 324, 325, 326, 328, 330, 780],
  auth: [798, 259, 261, 262, 263, 308, 521, 522, 549, 620, 640],
  'insecure-conf': [102, 215, 346, 489, 614, 942],
  'file-manipulation': [73, 97],
  'encrypt-data': [311, 315, 319],
  traceability: [778],
  permission: [732, 266, 269, 284, 668],
};

/** CWE ids and OWASP tags from a rule's `securityStandards` ("cwe:89", "owaspTop10:a1", "owaspTop10-2021:a3"). */
export function fromSecurityStandards(standards: unknown): { cwe: string[]; tags: string[] } {
  const cwe: string[] = [];
  const tags: string[] = [];
  for (const s of Array.isArray(standards) ? standards : []) {
    if (typeof s !== 'string') continue;
    const m = /^cwe:(\d+)$/i.exec(s);
    if (m) cwe.push(`CWE-${m[1]}`);
    const o = /^owaspTop10(-\d{4})?:(a\d+)$/i.exec(s);
    if (o) tags.push(`owasp-top10${o[1] ?? '-2017'}-${o[2]!.toLowerCase()}`);
  }
  return { cwe, tags };
}

export function cweTags(cwe: readonly string[]): string[] {
  return cwe.flatMap((c) => [c, `external/cwe/cwe-${c.slice(4)}`]);
}

/** Rule names and security standards from `rules[]` (issues/search additionalFields=rules, or a combined file). */
export function ruleIndex(list: unknown, path: string): Map<string, Obj> {
  const m = new Map<string, Obj>();
  optArr(list, path).forEach((r, i) => {
    if (!isObj(r)) return;
    const key = optStr(r['key'], `${path}[${i}].key`);
    if (key) m.set(key, r);
  });
  return m;
}

/** The rule's page on the server the findings came from (only https/http server URLs). */
export function ruleHelpUri(serverUrl: string | undefined, ruleKey: string): string | undefined {
  if (!serverUrl || !/^https?:\/\//i.test(serverUrl)) return undefined;
  try {
    const u = new URL(`${serverUrl.replace(/\/+$/, '')}/coding_rules`);
    u.username = '';
    u.password = '';
    u.searchParams.set('open', ruleKey);
    u.searchParams.set('rule_key', ruleKey);
    return u.href;
  } catch {
    return undefined;
  }
}
