import type { Result, Run, Suppression } from 'sarif';
import { RunBuilder } from '../../sarif/builder.js';
import type { CvssScore, ToolKind } from '../../sarif/props.js';
import { parseSeverityLabel, type Severity } from '../../sarif/severity.js';
import { slug } from '../../sarif/uri.js';
import { firstSentence } from '../grype/json.js';
import { packageKey } from '../package-id.js';
import { arr, isObj, obj, optArr, optNum, optStr, ShapeError, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { firstLineDoc, parseLines } from '../wazuh/lines.js';
import { ident } from '../wazuh/common.js';

/**
 * AWS Security Finding Format (ASFF, SchemaVersion 2018-10-08) as Security Hub exports it
 * (`{"Findings":[…]}`, the GetFindings answer), as a bare array (hdf2asff, BatchImportFindings
 * input), and as Prowler's `-M json-asff` or Trivy's `asff.tpl` template write it. One run per
 * product (a Security Hub export mixes GuardDuty, Inspector, Config…), one result per finding.
 */
export const asffJson: Adapter = {
  id: 'asff',
  title: 'AWS Security Finding Format (ASFF) JSON',
  kind: 'iac',
  input: 'json',
  detect(doc) {
    // A one-line json-asff file parses as a single finding.
    if (isAsffFinding(doc)) return true;
    const list = isObj(doc) && Array.isArray(doc['Findings']) ? doc['Findings'] : Array.isArray(doc) ? doc : undefined;
    if (!list) return false;
    if (list.length === 0) return isObj(doc); // {"Findings": []}: Security Hub's answer for nothing found
    return isAsffFinding(list[0]);
  },
  toRuns(doc, ctx) {
    if (isAsffFinding(doc)) return convert([{ path: '$', f: doc }], ctx, asffJson.id);
    const list = Array.isArray(doc) ? doc : arr(obj(doc, '$')['Findings'], '$.Findings');
    const base = Array.isArray(doc) ? '$' : '$.Findings';
    return convert(list.map((f, i) => ({ path: `${base}[${i}]`, f })), ctx, asffJson.id);
  },
};

/** Prowler 2.x `-M json-asff`: one ASFF finding per line. */
export const asffLines: Adapter = {
  id: 'asff-lines',
  title: 'ASFF, one finding per line (Prowler json-asff)',
  kind: 'iac',
  input: 'text',
  detect(text) {
    return isAsffFinding(firstLineDoc(text));
  },
  toRuns(text, ctx) {
    if (typeof text !== 'string') throw new ShapeError('$', 'expected text');
    const { docs } = parseLines(text, false);
    return convert(docs.map(({ line, doc }) => ({ path: `line ${line}`, f: doc })), ctx, asffLines.id);
  },
};

function isAsffFinding(x: unknown): boolean {
  return isObj(x) && typeof x['SchemaVersion'] === 'string' && typeof x['ProductArn'] === 'string' && 'Id' in x && ('Severity' in x || 'FindingProviderFields' in x);
}

/** ASFF Severity.Normalized (0–100) bands, as the ASFF reference documents them. */
export function severityFromNormalized(n: number): Severity {
  if (n >= 90) return 'critical';
  if (n >= 70) return 'high';
  if (n >= 40) return 'medium';
  if (n >= 1) return 'low';
  return 'info';
}

export function severityOfFinding(f: Obj, path: string): { severity: Severity | undefined; native: string | undefined } {
  // Severity of another type is drift, not "no severity": read as unknown it could pass the gate.
  if (f['Severity'] !== undefined && f['Severity'] !== null) obj(f['Severity'], `${path}.Severity`);
  const s = isObj(f['Severity']) ? f['Severity'] : isObj(f['FindingProviderFields']) && isObj(f['FindingProviderFields']['Severity']) ? f['FindingProviderFields']['Severity'] : {};
  const label = optStr(s['Label'], `${path}.Severity.Label`);
  if (label) return { severity: parseSeverityLabel(label), native: label };
  const normalized = optNum(s['Normalized'], `${path}.Severity.Normalized`);
  if (normalized !== undefined) return { severity: severityFromNormalized(normalized), native: `Normalized ${normalized}` };
  const original = optStr(s['Original'], `${path}.Severity.Original`);
  return { severity: parseSeverityLabel(original), native: original };
}

function productOf(f: Obj, path: string): { name: string; company: string | undefined } {
  const pf = isObj(f['ProductFields']) ? f['ProductFields'] : {};
  const arn = ident(f['ProductArn'], `${path}.ProductArn`);
  const m = /:product\/([^/]+)\/([^/]+)/.exec(arn);
  const name =
    [optStr(f['ProductName'], `${path}.ProductName`) ??
    optStr(pf['aws/securityhub/ProductName'], `${path}.ProductFields`) ??
    optStr(pf['ProviderName'], `${path}.ProductFields.ProviderName`) ??
    optStr(pf['Product Name'], `${path}.ProductFields`)].find((n) => n?.trim())?.trim() ??
    (m?.[2] === 'securityhub' ? 'Security Hub' : m?.[2] && m[2] !== 'default' ? m[2] : 'asff');
  const company = optStr(f['CompanyName'], `${path}.CompanyName`) ?? optStr(pf['aws/securityhub/CompanyName'], `${path}.ProductFields`) ?? (m?.[1] && !/^\d+$/.test(m[1]) ? m[1] : undefined);
  return { name, company };
}

function kindOf(types: string[], resourceTypes: string[]): ToolKind {
  const t = types.join(' ');
  if (/Vulnerabilities/i.test(t)) return resourceTypes.some((r) => /Container|EcrContainerImage/i.test(r)) ? 'container' : 'sca';
  if (/Sensitive Data Identifications/i.test(t)) return 'secret';
  if (/^(TTPs|Effects|Unusual Behaviors)|\s(TTPs|Unusual Behaviors)\//i.test(t) && !/Software and Configuration Checks/i.test(t)) return 'runtime';
  return 'iac';
}

interface Entry {
  path: string;
  f: unknown;
}

function convert(entries: Entry[], ctx: AdapterContext, format: string): Run[] {
  const builders = new Map<string, { b: RunBuilder }>();
  const products = new Set(entries.map(({ f, path }) => productOf(obj(f, path), path).name));
  for (const { path, f: raw } of entries) {
    const f = obj(raw, path);
    const product = productOf(f, path);
    let entry = builders.get(product.name);
    if (!entry) {
      const category = products.size > 1 ? `${ctx.category}-${slug(product.name)}` : ctx.category;
      const b = new RunBuilder({ name: product.name, organization: product.company }, 'iac', { ...ctx, category }, format);
      entry = { b };
      builders.set(product.name, entry);
    }
    addFinding(entry.b, f, path);
  }
  return [...builders.values()].map(({ b }) => b.build());
}

/** Returns true when the finding is a passed compliance check. */
function addFinding(b: RunBuilder, f: Obj, path: string): boolean {
  const id = ident(f['Id'], `${path}.Id`);
  const productArn = ident(f['ProductArn'], `${path}.ProductArn`);
  const generator = optStr(f['GeneratorId'], `${path}.GeneratorId`)?.trim() || 'asff';
  const title = optStr(f['Title'], `${path}.Title`)?.trim() || generator;
  const description = optStr(f['Description'], `${path}.Description`)?.trim() || undefined;
  const fpf = isObj(f['FindingProviderFields']) ? f['FindingProviderFields'] : {};
  const types = [...optArr(f['Types'] ?? fpf['Types'], `${path}.Types`)].filter((t): t is string => typeof t === 'string');
  const resources = optArr(f['Resources'], `${path}.Resources`).filter(isObj);
  const resourceTypes = resources.map((r, i) => optStr(r['Type'], `${path}.Resources[${i}].Type`) ?? '');
  const kind = kindOf(types, resourceTypes);
  const compliance = isObj(f['Compliance']) ? f['Compliance'] : {};
  const complianceStatus = optStr(compliance['Status'], `${path}.Compliance.Status`);
  const passed = complianceStatus === 'PASSED';
  let { severity, native } = severityOfFinding(f, path);
  if (passed) severity = 'info';
  const remediation = isObj(f['Remediation']) && isObj(f['Remediation']['Recommendation']) ? f['Remediation']['Recommendation'] : {};
  const recText = optStr(remediation['Text'], `${path}.Remediation.Recommendation.Text`);
  const recUrl = optStr(remediation['Url'], `${path}.Remediation.Recommendation.Url`);
  const pf = isObj(f['ProductFields']) ? f['ProductFields'] : {};
  const controlId = (optStr(pf['ControlId'], `${path}.ProductFields.ControlId`) ?? optStr(compliance['SecurityControlId'], `${path}.Compliance.SecurityControlId`))?.trim() || undefined;

  // The primary resource: the most specific one (an account is the fallback).
  const primary = resources.find((r) => r['Type'] !== 'AwsAccount') ?? resources[0];
  const resourceId = primary ? optStr(primary['Id'], `${path}.Resources.Id`) : undefined;
  const account = optStr(f['AwsAccountId'], `${path}.AwsAccountId`);
  const region = optStr(f['Region'], `${path}.Region`) ?? (primary ? optStr(primary['Region'], `${path}.Resources.Region`) : undefined);

  // Vulnerabilities: ASFF's Vulnerabilities[] (Inspector, Grype/Trivy integrations), or Trivy's template's Details.Other.
  const vulns = optArr(f['Vulnerabilities'], `${path}.Vulnerabilities`).filter(isObj);
  const other = primary && isObj(primary['Details']) && isObj(primary['Details']['Other']) ? primary['Details']['Other'] : {};
  let vulnerabilityId = vulns[0] ? optStr(vulns[0]['Id'], `${path}.Vulnerabilities[0].Id`) : optStr(other['CVE ID'], `${path}.Resources.Details.Other`);
  const vp = vulns[0] ? optArr(vulns[0]['VulnerablePackages'], `${path}.Vulnerabilities[0].VulnerablePackages`).filter(isObj)[0] : undefined;
  const packageName = vp ? optStr(vp['Name'], `${path}.VulnerablePackages.Name`) : optStr(other['PkgName'], `${path}.Resources.Details.Other`);
  const packageVersion = vp ? optStr(vp['Version'], `${path}.VulnerablePackages.Version`) : optStr(other['Installed Package'], `${path}.Resources.Details.Other`);
  const fixed = vp ? optStr(vp['FixedInVersion'], `${path}.VulnerablePackages.FixedInVersion`) : optStr(other['Patched Package'], `${path}.Resources.Details.Other`);
  const pm = vp ? optStr(vp['PackageManager'], `${path}.VulnerablePackages.PackageManager`) : undefined;
  const cvss: CvssScore[] = vulns[0]
    ? optArr(vulns[0]['Cvss'], `${path}.Vulnerabilities[0].Cvss`).filter(isObj).flatMap((c) => {
        const score = optNum(c['BaseScore'], `${path}.Vulnerabilities.Cvss.BaseScore`);
        return score === undefined ? [] : [{ score, version: optStr(c['Version'], `${path}.Cvss.Version`) ?? '', vector: optStr(c['BaseVector'], `${path}.Cvss.BaseVector`) ?? '' }];
      })
    : [optNum(other['NvdCvssScoreV3'], `${path}.Other.NvdCvssScoreV3`)].filter((s): s is number => s !== undefined).map((score) => ({ score, version: '3', source: 'nvd' }));
  vulnerabilityId = vulnerabilityId?.trim() || undefined;

  const ruleId = vulnerabilityId ?? controlId ?? generator;
  b.rule({
    id: ruleId,
    shortDescription: vulnerabilityId ? `${vulnerabilityId}${packageName ? ` in ${packageName}` : ''}` : firstSentence(title),
    fullDescription: description,
    help: [description, recText, recUrl].filter(Boolean).join('\n\n') || undefined,
    helpUri: recUrl?.startsWith('http') ? recUrl : undefined,
    tags: types.map((t) => `asff:${t}`),
  });
  const suppressions = suppressionsOf(f, path);
  const score = cvss[0]?.score;
  b.add({
    ruleId,
    message: `${title}${resourceId ? ` — ${resourceId}` : ''}`,
    severity,
    nativeSeverity: native,
    score,
    kind,
    location: {
      uri: resourceId ?? (account ? `aws/account/${account}` : 'asff'),
      logicalName: resourceId ?? account,
      logicalKind: 'resource',
    },
    // ASFF Ids are stable per finding by contract (re-imports update the same Id).
    identity: [productArn, id],
    tags: [...types.map((t) => `asff:${t}`), ...(controlId ? [`control:${controlId}`] : [])],
    properties: {
      asff: {
        id,
        productArn,
        generatorId: generator,
        ...(account ? { awsAccountId: account } : {}),
        ...(region ? { region } : {}),
        ...(resourceTypes.length ? { resourceTypes } : {}),
        ...(complianceStatus ? { complianceStatus } : {}),
      },
      ...(optStr(f['UpdatedAt'], `${path}.UpdatedAt`) ? { eventTime: optStr(f['UpdatedAt'], `${path}.UpdatedAt`) } : {}),
      ...(vulnerabilityId ? { vulnerabilityId } : {}),
      ...(packageName ? { packageName, packageVersion: packageVersion ?? '', purl: pm ? packageKey(pm, packageName, packageVersion) : undefined } : {}),
      ...(fixed ? { fixedVersions: [fixed], fixState: 'fixed' } : {}),
      cvss,
    },
    suppressions,
    // A control that passed is recorded as SARIF kind "pass" (level none), not as a problem.
    ...(passed ? { passed: true } : {}),
  });
  return passed;
}

function suppressionsOf(f: Obj, path: string): Suppression[] | undefined {
  const out: Suppression[] = [];
  const record = optStr(f['RecordState'], `${path}.RecordState`);
  if (record === 'ARCHIVED') out.push({ kind: 'external', status: 'accepted', justification: 'archived in the source (RecordState ARCHIVED)' });
  const wf = isObj(f['Workflow']) ? optStr(f['Workflow']['Status'], `${path}.Workflow.Status`) : optStr(f['WorkflowState'], `${path}.WorkflowState`);
  if (wf === 'SUPPRESSED' || wf === 'RESOLVED') {
    out.push({ kind: 'external', status: 'accepted', justification: `workflow status ${wf} in the source` });
  }
  return out.length ? out : undefined;
}
