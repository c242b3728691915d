import type { Log } from 'sarif';
import { ConfigError } from '../errors.js';
import type { Severity } from '../sarif/severity.js';
import { cleanText, exportFindings, type ExportFinding } from './findings.js';

export interface SccOptions {
  /** organizations/<org>/sources/<source> (or projects/…/sources/…): where findings are created. */
  source: string;
  /** Full resource name the findings are about, e.g. //cloudresourcemanager.googleapis.com/projects/123. */
  resourceName: string;
  now: Date;
}

/** One CreateFinding request: POST https://securitycenter.googleapis.com/v1/{parent}/findings?findingId=… with `finding` as the body. */
export interface SccCreateFinding {
  parent: string;
  findingId: string;
  finding: Record<string, unknown>;
}

const SEVERITY: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'LOW' };

export function validateSccOptions(o: { source?: string | undefined; resourceName?: string | undefined }): void {
  if (!o.source || !/^(organizations|projects|folders)\/[^/]+\/sources\/[^/]+$/.test(o.source)) throw new ConfigError(`Google SCC export needs the source name, organizations/<org>/sources/<id> (got ${o.source ? JSON.stringify(o.source) : 'none'})`, 'pass --scc-source or set export.gcp_scc.source');
  if (!o.resourceName || !o.resourceName.startsWith('//')) throw new ConfigError(`Google SCC export needs a full resource name starting with // (got ${o.resourceName ? JSON.stringify(o.resourceName) : 'none'})`, 'pass --scc-resource, e.g. //cloudresourcemanager.googleapis.com/projects/123456789');
}

/** SCC finding classes: what the finding is, from what secgate knows about it. */
export function findingClassFor(f: ExportFinding): string {
  if (f.props.vulnerabilityId) return 'VULNERABILITY';
  if (f.kind === 'iac') return 'MISCONFIGURATION';
  if (f.kind === 'runtime') return (f.props.tags ?? []).some((t) => t.startsWith('mitre-attack:')) ? 'THREAT' : 'OBSERVATION';
  if (f.severity === 'info') return 'OBSERVATION';
  return 'VULNERABILITY';
}

/** SCC categories are short identifiers (e.g. "OPEN_FIREWALL"): the rule id, upper-snake. */
export function categoryFor(f: ExportFinding): string {
  const c = f.ruleId.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100);
  return c || 'SECGATE_FINDING';
}

export function toSccFinding(f: ExportFinding, o: SccOptions): SccCreateFinding {
  // SCC finding ids: alphanumeric, 1–32 characters; the key is 32 hex characters and stable.
  const findingId = f.key;
  const event = typeof f.props['eventTime'] === 'string' && !Number.isNaN(Date.parse(f.props['eventTime'] as string)) ? new Date(f.props['eventTime'] as string) : o.now;
  const sourceProperties: Record<string, string | number | boolean> = {
    tool: cleanText(f.tool, 256),
    ruleId: cleanText(f.ruleId, 256),
    title: cleanText(f.title, 512),
    message: cleanText(f.description, 2048),
    severity: f.severity,
    ...(f.nativeSeverity ? { nativeSeverity: cleanText(f.nativeSeverity, 64) } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.location ? { location: cleanText(f.location, 1024) } : {}),
    ...(f.logical ? { logicalLocation: cleanText(f.logical, 512) } : {}),
    ...(f.props.packageName ? { package: cleanText(`${f.props.packageName}@${f.props.packageVersion ?? ''}`, 512) } : {}),
    ...(f.props.fixedVersions?.length ? { fixedVersions: cleanText(f.props.fixedVersions.join(', '), 512) } : {}),
    suppressed: f.suppressed,
  };
  const finding: Record<string, unknown> = {
    // A suppressed finding is INACTIVE, so re-exporting closes it in SCC.
    state: f.suppressed ? 'INACTIVE' : 'ACTIVE',
    resourceName: o.resourceName,
    category: categoryFor(f),
    severity: SEVERITY[f.severity],
    findingClass: findingClassFor(f),
    eventTime: event.toISOString(),
    sourceProperties,
    description: cleanText(f.description, 4096),
    ...(f.helpUri && /^https?:\/\//.test(f.helpUri) ? { externalUri: f.helpUri } : {}),
    ...(f.props.vulnerabilityId?.startsWith('CVE-') ? { vulnerability: { cve: { id: f.props.vulnerabilityId } } } : {}),
  };
  return { parent: o.source, findingId, finding };
}

export function toSccFindings(log: Log, o: SccOptions): SccCreateFinding[] {
  validateSccOptions(o);
  return exportFindings(log).map((f) => toSccFinding(f, o));
}
