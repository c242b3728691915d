import type { Log } from 'sarif';
import { ConfigError, OutputError } from '../errors.js';
import type { Severity } from '../sarif/severity.js';
import { cleanText, exportFindings, type ExportFinding } from './findings.js';

/** BatchImportFindings limits (Security Hub API reference): 100 findings and 240 KB per request. */
export const MAX_FINDINGS_PER_BATCH = 100;
export const MAX_BATCH_BYTES = 240 * 1024;

export interface AsffOptions {
  awsAccountId: string;
  region: string;
  /** Default: the account's own product ARN for custom findings (…:product/<account>/default). */
  productArn?: string | undefined;
  partition?: string | undefined;
  /** Time of the export (CreatedAt/UpdatedAt), from the injected clock. */
  now: Date;
}

export type AsffFinding = Record<string, unknown> & { Id: string };
export interface AsffBatch {
  Findings: AsffFinding[];
}

const LABEL: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };
/** Severity.Normalized inside each label's ASFF band (the field is deprecated but still read by older integrations). */
const NORMALIZED: Record<Severity, number> = { critical: 90, high: 70, medium: 40, low: 1, info: 0 };

export function validateAsffOptions(o: { awsAccountId?: string | undefined; region?: string | undefined; productArn?: string | undefined }): void {
  if (!o.awsAccountId || !/^\d{12}$/.test(o.awsAccountId)) throw new ConfigError(`ASFF export needs the 12-digit AWS account id (got ${o.awsAccountId ? JSON.stringify(o.awsAccountId) : 'none'})`, 'pass --aws-account-id or set export.asff.aws_account_id');
  if (!o.region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) throw new ConfigError(`ASFF export needs an AWS region such as eu-west-1 (got ${o.region ? JSON.stringify(o.region) : 'none'})`, 'pass --aws-region or set export.asff.region');
  if (o.productArn !== undefined && !/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\d{0,12}:product\/[^/]+\/[^/]+$/.test(o.productArn)) throw new ConfigError(`--product-arn ${JSON.stringify(o.productArn)} is not a Security Hub product ARN`, 'use arn:aws:securityhub:<region>:<account>:product/<account>/default');
}

/** ASFF Types: "namespace/category/classifier", from what secgate knows about the finding. */
export function typesFor(f: ExportFinding): string[] {
  const tags = f.props.tags ?? [];
  if (f.props.vulnerabilityId) return [f.props.vulnerabilityId.startsWith('CVE-') ? 'Software and Configuration Checks/Vulnerabilities/CVE' : 'Software and Configuration Checks/Vulnerabilities'];
  switch (f.kind) {
    case 'secret': return ['Sensitive Data Identifications/Security'];
    case 'iac': return ['Software and Configuration Checks/Industry and Regulatory Standards'];
    case 'license': return ['Software and Configuration Checks/Industry and Regulatory Standards'];
    case 'runtime': return [tags.some((t) => t.startsWith('mitre-attack:')) ? 'TTPs' : 'Unusual Behaviors/VM'];
    default: return ['Software and Configuration Checks/Vulnerabilities'];
  }
}

export function toAsffFinding(f: ExportFinding, o: AsffOptions): AsffFinding {
  const partition = o.partition ?? 'aws';
  const productArn = o.productArn ?? `arn:${partition}:securityhub:${o.region}:${o.awsAccountId}:product/${o.awsAccountId}/default`;
  const now = o.now.toISOString();
  const severity = { Label: LABEL[f.severity], Normalized: NORMALIZED[f.severity], ...(f.nativeSeverity ? { Original: cleanText(f.nativeSeverity, 140) } : {}) };
  const types = typesFor(f);
  const resourceId = cleanText(f.logical && f.props.vulnerabilityId ? `${f.logical} ${f.location ?? ''}`.trim() : f.location ?? f.logical ?? f.tool, 512) || f.tool;
  const resourceType = f.kind === 'container' ? 'Container' : 'Other';
  const fixed = f.props.fixedVersions ?? [];
  const productFields: Record<string, string> = {
    'secgate/Tool': cleanText(f.tool, 256),
    'secgate/RuleId': cleanText(f.ruleId, 256),
    'secgate/Key': f.key,
    ...(f.toolVersion ? { 'secgate/ToolVersion': cleanText(f.toolVersion, 64) } : {}),
    ...(f.kind ? { 'secgate/Kind': f.kind } : {}),
    ...(f.location ? { 'secgate/Location': cleanText(f.location, 1024) } : {}),
  };
  return {
    SchemaVersion: '2018-10-08',
    Id: `secgate/${f.key}`,
    ProductArn: productArn,
    GeneratorId: cleanText(`secgate/${f.tool}/${f.ruleId}`, 512),
    AwsAccountId: o.awsAccountId,
    Region: o.region,
    Types: types,
    CreatedAt: now,
    UpdatedAt: now,
    Severity: severity,
    // Providers set Severity/Types through FindingProviderFields on updates (BatchImportFindings reference).
    FindingProviderFields: { Severity: { Label: severity.Label, ...(severity.Original ? { Original: severity.Original } : {}) }, Types: types },
    Title: cleanText(f.title, 256) || f.ruleId,
    Description: cleanText(f.description, 1024) || cleanText(f.title, 1024) || f.ruleId,
    ...(f.helpUri && /^https?:\/\//.test(f.helpUri) ? { SourceUrl: f.helpUri } : {}),
    ...(fixed.length ? { Remediation: { Recommendation: { Text: cleanText(`Upgrade ${f.props.packageName ?? 'the package'} to ${fixed.join(' or ')}`, 512) } } } : {}),
    ProductFields: productFields,
    Resources: [{ Type: resourceType, Id: resourceId, Partition: partition, Region: o.region }],
    ...(f.props.vulnerabilityId
      ? {
          Vulnerabilities: [
            {
              Id: f.props.vulnerabilityId,
              ...(f.props.packageName ? { VulnerablePackages: [{ Name: f.props.packageName, ...(f.props.packageVersion ? { Version: f.props.packageVersion } : {}), ...(fixed[0] ? { FixedInVersion: fixed[0] } : {}) }] } : {}),
              FixAvailable: fixed.length ? 'YES' : 'NO',
            },
          ],
        }
      : {}),
    // A suppressed (waived, VEX'd, ignored) finding is archived, so a re-import closes it in the hub.
    RecordState: f.suppressed ? 'ARCHIVED' : 'ACTIVE',
  };
}

/** Findings → BatchImportFindings request bodies of ≤ 100 findings and ≤ 240 KB each. */
export function toAsffBatches(log: Log, o: AsffOptions): AsffBatch[] {
  validateAsffOptions(o);
  return batch(exportFindings(log).map((f) => toAsffFinding(f, o)));
}

export function batch(findings: AsffFinding[], maxFindings = MAX_FINDINGS_PER_BATCH, maxBytes = MAX_BATCH_BYTES): AsffBatch[] {
  const batches: AsffBatch[] = [];
  const envelope = Buffer.byteLength('{"Findings":[]}');
  let current: AsffFinding[] = [];
  let bytes = envelope;
  for (const f of findings) {
    const size = Buffer.byteLength(JSON.stringify(f));
    if (size + envelope > maxBytes) throw new OutputError(`ASFF finding ${f.Id} is ${size} bytes, over Security Hub's 240 KB limit for one finding`, 'this is a secgate bug: report it with the input');
    const extra = size + (current.length ? 1 : 0);
    if (current.length >= maxFindings || bytes + extra > maxBytes) {
      batches.push({ Findings: current });
      current = [];
      bytes = envelope;
    }
    bytes += size + (current.length ? 1 : 0);
    current.push(f);
  }
  if (current.length) batches.push({ Findings: current });
  return batches;
}
