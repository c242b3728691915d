import type { Run } from 'sarif';
import { RunBuilder, type ToolInfo } from '../../sarif/builder.js';
import { parseSeverityLabel, type Severity } from '../../sarif/severity.js';
import { isObj, optArr, optStr, ShapeError, str, type Obj } from '../shape.js';
import type { AdapterContext } from '../types.js';

export const WAZUH_TOOL: ToolInfo = { name: 'wazuh', informationUri: 'https://wazuh.com', organization: 'Wazuh' };

/**
 * Wazuh rule level (0–15) → severity. Wazuh's own classification (ruleset "Rules
 * classification"): 0–3 are ignored/low-priority notifications and successful events,
 * 4–7 errors and low-relevance attacks, 8–11 first-time-seen events, errors from invalid
 * sources and integrity-check warnings, 12–15 high-importance events and severe attacks.
 * 0–2 → info, 3 → low, 4–7 → medium, 8–11 → high, 12–15 → critical.
 */
export function severityFromLevel(level: number | undefined): Severity | undefined {
  if (level === undefined || !Number.isFinite(level)) return undefined;
  if (level >= 12) return 'critical';
  if (level >= 8) return 'high';
  if (level >= 4) return 'medium';
  if (level >= 3) return 'low';
  return 'info';
}

/** Wazuh writes vulnerability severities as words ("Critical", "High", …, "-" or "Untriaged" when unknown). */
export function vulnerabilitySeverity(label: string | undefined): Severity | undefined {
  return parseSeverityLabel(label);
}

/** The compliance frameworks Wazuh tags rules with (rule.<key>), kept as `<key>:<control>` tags. */
export const COMPLIANCE_KEYS = ['pci_dss', 'gdpr', 'hipaa', 'nist_800_53', 'tsc', 'gpg13', 'cis', 'cis_csc', 'mitre'] as const;

export interface Agent {
  id?: string | undefined;
  name?: string | undefined;
  ip?: string | undefined;
}

export function agentOf(x: unknown, path: string): Agent {
  if (!isObj(x)) return {};
  return { id: optStr(x['id'], `${path}.id`), name: optStr(x['name'], `${path}.name`), ip: optStr(x['ip'], `${path}.ip`) };
}

/** "agent 001 (web-01)": the logical location every Wazuh finding has. */
export function agentLabel(a: Agent): string {
  if (a.id && a.name) return `agent ${a.id} (${a.name})`;
  if (a.name) return `agent ${a.name}`;
  if (a.id) return `agent ${a.id}`;
  return 'wazuh manager';
}

/** A list of strings where Wazuh may write a string, a comma-separated string or an array. */
export function strings(x: unknown, path: string): string[] {
  if (typeof x === 'string') return x.split(',').map((s) => s.trim()).filter(Boolean);
  if (typeof x === 'number') return [String(x)];
  return optArr(x, path)
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map((v) => String(v).trim())
    .filter(Boolean);
}

/** Compliance tags from an object of framework → control(s) (rule.pci_dss, sca.check.compliance…). */
export function complianceOf(o: Obj, path: string, keys: readonly string[] = COMPLIANCE_KEYS): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of keys) {
    if (k === 'mitre') continue;
    const v = strings(o[k], `${path}.${k}`);
    if (v.length) out[k] = v;
  }
  return out;
}

export function complianceTags(c: Record<string, string[]>): string[] {
  return Object.entries(c).flatMap(([k, vs]) => vs.map((v) => `${k}:${v}`));
}

/** `CWE-79` and GitHub's `external/cwe/cwe-79` from "CWE-79" (Wazuh's cwe_reference). */
export function cweTagsOf(cwe: string | undefined): string[] {
  const n = cwe ? /CWE-(\d+)/i.exec(cwe)?.[1] : undefined;
  return n ? [`CWE-${n}`, `external/cwe/cwe-${n}`] : [];
}

export function newWazuhBuilder(ctx: AdapterContext, format: string, version?: string): RunBuilder {
  return new RunBuilder({ ...WAZUH_TOOL, version }, 'runtime', ctx, format);
}

/** A warning notification on an otherwise successful run (e.g. skipped malformed lines). */
export function addWarning(run: Run, text: string): Run {
  const inv = run.invocations?.[0];
  if (inv) (inv.toolExecutionNotifications ??= []).push({ level: 'warning', message: { text } });
  return run;
}

/** An identifier (CVE, package name, check id): a string that is not blank. */
export function ident(x: unknown, path: string): string {
  const s = str(x, path).trim();
  if (s === '') throw new ShapeError(path, 'expected an identifier, found an empty string');
  return s;
}

/**
 * The physical location of a vulnerable package: `packages/<name>@<version>`. The directory
 * keeps a Debian epoch ("1:8.9p1") out of the URI's first segment, where a colon would make it
 * read as a scheme (GitHub's SARIF1002).
 */
export function packageUri(pkg: string): string {
  return `packages/${pkg}`;
}
