import type { Run, Suppression } from 'sarif';
import { RunBuilder } from '../../sarif/builder.js';
import { parseSeverityLabel } from '../../sarif/severity.js';
import type { CvssScore, ToolKind } from '../../sarif/props.js';
import { bestScore, firstSentence } from '../grype/json.js';
import { packageKey, purlCore } from '../package-id.js';
import { arr, id as nonEmptyId, isObj, obj, optArr, optNum, optStr, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';

/**
 * Trivy `--format json`: SchemaVersion 2, reports without SchemaVersion, the pre-0.20 bare
 * array of results, the literal `null` older versions wrote for "nothing found", and
 * `trivy k8s` reports (pkg/k8s/report: `--report all` writes Resources[], the default
 * `--report summary` writes the consolidated Findings[], older versions split
 * Vulnerabilities[]/Misconfigurations[]; each entry a Namespace/Kind/Name resource with Results).
 * One result per vulnerability, per failed (or excepted → suppressed) misconfiguration,
 * per secret and per licence finding; ExperimentalModifiedFindings become suppressed results.
 */
export const trivyJson: Adapter = {
  id: 'trivy',
  title: 'Trivy JSON (--format json)',
  kind: 'container',
  input: 'json',
  detect(doc) {
    if (doc === null) return true; // trivy < 0.20 wrote `null` when nothing was found
    if (Array.isArray(doc)) return doc.length > 0 && doc.every((r) => isObj(r) && typeof r['Target'] === 'string');
    if (!isObj(doc)) return false;
    if ('SchemaVersion' in doc && ('Results' in doc || 'ArtifactName' in doc)) return true;
    // A k8s report: ClusterName, and its resource lists (all omitted when the cluster had nothing to report).
    if (typeof doc['ClusterName'] === 'string' && !['Results', 'Matches', 'runs'].some((k) => k in doc)) return true;
    return Array.isArray(doc['Results']) && 'ArtifactName' in doc;
  },
  toRuns(doc, ctx) {
    return [convert(doc, ctx)];
  },
};

interface Scope {
  artifact: string | undefined;
  containerish: boolean;
  /** k8s resource "namespace/Kind/name", when the results belong to one. */
  resource?: string | undefined;
}

function convert(doc: unknown, ctx: AdapterContext): Run {
  const root = isObj(doc) ? doc : {};
  const trivy = isObj(root['Trivy']) ? root['Trivy'] : {};
  const version = optStr(trivy['Version'], '$.Trivy.Version');
  const artifactType = optStr(root['ArtifactType'], '$.ArtifactType');
  const isK8s = 'ClusterName' in root;
  const kind: ToolKind = artifactType === 'container_image' || artifactType === 'vm' || isK8s ? 'container' : 'sca';
  const b = new RunBuilder(
    { name: 'trivy', version, informationUri: 'https://github.com/aquasecurity/trivy', organization: 'Aqua Security' },
    kind,
    ctx,
    trivyJson.id,
  );
  const artifact = optStr(root['ArtifactName'], '$.ArtifactName') ?? optStr(root['ClusterName'], '$.ClusterName');
  if (artifact) b.setProperty('target', artifact);
  if (artifactType) b.setProperty('artifactType', artifactType);
  if (typeof root['SchemaVersion'] === 'number') b.setProperty('schemaVersion', root['SchemaVersion']);
  const scope: Scope = { artifact, containerish: kind === 'container' };

  if (doc === null) return b.build();
  if (Array.isArray(doc)) {
    doc.forEach((r, i) => addResult(b, obj(r, `$[${i}]`), `$[${i}]`, scope));
    return b.build();
  }
  const d = obj(doc, '$');
  if (isK8s) {
    const groups: [string, unknown][] = [
      ['Resources', d['Resources']],
      ['Findings', d['Findings']],
      ['Vulnerabilities', d['Vulnerabilities']],
      ['Misconfigurations', d['Misconfigurations']],
    ];
    for (const [key, list] of groups) {
      optArr(list, `$.${key}`).forEach((res, i) => {
        const path = `$.${key}[${i}]`;
        const r = obj(res, path);
        const resource = [optStr(r['Namespace'], `${path}.Namespace`), optStr(r['Kind'], `${path}.Kind`), optStr(r['Name'], `${path}.Name`)].filter(Boolean).join('/');
        // trivy could not scan this resource (image pull failed, …): its findings are missing, say so.
        const error = optStr(r['Error'], `${path}.Error`);
        if (error) b.notify('warning', `trivy could not scan ${resource || 'a resource'}: ${error}`);
        optArr(r['Results'], `${path}.Results`).forEach((x, j) => addResult(b, obj(x, `${path}.Results[${j}]`), `${path}.Results[${j}]`, { ...scope, resource }));
      });
    }
    return b.build();
  }
  optArr(d['Results'], '$.Results').forEach((r, i) => addResult(b, obj(r, `$.Results[${i}]`), `$.Results[${i}]`, scope));
  return b.build();
}

function addResult(b: RunBuilder, r: Obj, path: string, scope: Scope): void {
  const target = optStr(r['Target'], `${path}.Target`) ?? scope.artifact ?? 'unknown';
  const cls = optStr(r['Class'], `${path}.Class`);
  const type = optStr(r['Type'], `${path}.Type`);
  const ctx: ResultCtx = { target, cls, type, scope };
  optArr(r['Vulnerabilities'], `${path}.Vulnerabilities`).forEach((v, i) => addVuln(b, obj(v, `${path}.Vulnerabilities[${i}]`), `${path}.Vulnerabilities[${i}]`, ctx));
  optArr(r['Misconfigurations'], `${path}.Misconfigurations`).forEach((m, i) => addMisconfig(b, obj(m, `${path}.Misconfigurations[${i}]`), `${path}.Misconfigurations[${i}]`, ctx));
  optArr(r['Secrets'], `${path}.Secrets`).forEach((s, i) => addSecret(b, obj(s, `${path}.Secrets[${i}]`), `${path}.Secrets[${i}]`, ctx));
  optArr(r['Licenses'], `${path}.Licenses`).forEach((l, i) => addLicense(b, obj(l, `${path}.Licenses[${i}]`), `${path}.Licenses[${i}]`, ctx));
  optArr(r['ExperimentalModifiedFindings'], `${path}.ExperimentalModifiedFindings`).forEach((x, i) => {
    const p = `${path}.ExperimentalModifiedFindings[${i}]`;
    const mf = obj(x, p);
    const status = optStr(mf['Status'], `${p}.Status`) ?? 'ignored';
    const statement = optStr(mf['Statement'], `${p}.Statement`);
    const source = optStr(mf['Source'], `${p}.Source`);
    const suppression: Suppression = {
      kind: 'external',
      status: 'accepted',
      justification: [status, statement].filter(Boolean).join(': '),
      properties: { source: 'trivy', status, ...(statement ? { statement } : {}), ...(source ? { origin: source } : {}) },
    };
    const finding = obj(mf['Finding'], `${p}.Finding`);
    const ftype = (optStr(mf['Type'], `${p}.Type`) ?? 'vulnerability').toLowerCase();
    if (ftype.startsWith('vuln')) addVuln(b, finding, `${p}.Finding`, ctx, suppression);
    else if (ftype.startsWith('misconf')) addMisconfig(b, finding, `${p}.Finding`, ctx, suppression);
    else if (ftype.startsWith('secret')) addSecret(b, finding, `${p}.Finding`, ctx, suppression);
    else addLicense(b, finding, `${p}.Finding`, ctx, suppression);
  });
}

interface ResultCtx {
  target: string;
  cls: string | undefined;
  type: string | undefined;
  scope: Scope;
}

/** Where a reader acts: the lock file for language packages, the image/target otherwise. */
function fileFor(ctx: ResultCtx, pkgPath?: string): string {
  if (pkgPath) return pkgPath;
  // In a k8s report, the resource (namespace/Kind/name) is where a reader acts, for its image and its manifest alike.
  if (ctx.scope.resource && ctx.cls !== 'lang-pkgs') return ctx.scope.resource;
  return ctx.target;
}

function addVuln(b: RunBuilder, v: Obj, path: string, ctx: ResultCtx, suppression?: Suppression): void {
  const id = nonEmptyId(v['VulnerabilityID'], `${path}.VulnerabilityID`);
  const name = str(v['PkgName'], `${path}.PkgName`);
  const installed = optStr(v['InstalledVersion'], `${path}.InstalledVersion`) ?? '';
  const fixed = optStr(v['FixedVersion'], `${path}.FixedVersion`);
  const fixedVersions = fixed ? fixed.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const status = optStr(v['Status'], `${path}.Status`);
  const nativeSeverity = optStr(v['Severity'], `${path}.Severity`);
  const severitySource = optStr(v['SeveritySource'], `${path}.SeveritySource`);
  const cvss = cvssOf(v['CVSS'], `${path}.CVSS`);
  const preferred = cvss.filter((c) => c.source === severitySource);
  const score = bestScore(preferred.length ? preferred : cvss);
  const ident = isObj(v['PkgIdentifier']) ? v['PkgIdentifier'] : {};
  const purl = optStr(ident['PURL'], `${path}.PkgIdentifier.PURL`);
  const pkgPath = optStr(v['PkgPath'], `${path}.PkgPath`);
  const title = optStr(v['Title'], `${path}.Title`);
  const description = optStr(v['Description'], `${path}.Description`);
  const primaryUrl = optStr(v['PrimaryURL'], `${path}.PrimaryURL`);
  const references = optArr(v['References'], `${path}.References`).filter((x): x is string => typeof x === 'string');
  const cwe = optArr(v['CweIDs'], `${path}.CweIDs`).filter((x): x is string => typeof x === 'string');
  const vendorIds = optArr(v['VendorIDs'], `${path}.VendorIDs`).filter((x): x is string => typeof x === 'string');
  const ghsa = references.map((u) => /\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/.exec(u)?.[1]).filter((x): x is string => !!x && x !== id);
  const layer = isObj(v['Layer']) ? optStr(v['Layer']['DiffID'], `${path}.Layer.DiffID`) ?? optStr(v['Layer']['Digest'], `${path}.Layer.Digest`) : undefined;
  const uri = fileFor(ctx, pkgPath);
  const pkgLabel = `${name}${installed ? `@${installed}` : ''}`;

  b.rule({
    id,
    shortDescription: title ?? (description ? firstSentence(description) : `${id} in ${name}`),
    fullDescription: description ?? title,
    help: [description ?? title, fixedVersions.length ? `Fixed in: ${fixedVersions.join(', ')}` : undefined, ...(references.slice(0, 10))].filter(Boolean).join('\n\n'),
    helpUri: primaryUrl,
    tags: ['vulnerability', ...cwe.flatMap(cweTags)],
  });
  b.add({
    ruleId: id,
    message: `${id}: ${pkgLabel}${ctx.type ? ` (${ctx.type})` : ''} is vulnerable${fixedVersions.length ? `; fixed in ${fixedVersions.join(', ')}` : status === 'will_not_fix' ? "; the vendor won't fix" : '; no fix available'}`,
    severity: parseSeverityLabel(nativeSeverity),
    nativeSeverity,
    score,
    location: {
      uri,
      message: layer ? `layer ${layer}` : undefined,
      logicalName: ctx.scope.resource ? `${ctx.scope.resource}: ${pkgLabel}` : pkgLabel,
      logicalKind: 'package',
    },
    identity: [id, ctx.type, name, uri, ctx.scope.resource],
    kind: ctx.cls === 'lang-pkgs' && !ctx.scope.containerish ? 'sca' : undefined,
    tags: cwe.flatMap(cweTags),
    properties: {
      vulnerabilityId: id,
      aliases: [...new Set([...vendorIds, ...ghsa])],
      purl: purlCore(purl) ?? packageKey(ctx.type, name, installed),
      packageName: name,
      packageVersion: installed,
      ecosystem: ctx.type,
      fixedVersions,
      fixState: normaliseStatus(status, fixedVersions.length > 0),
      cvss,
      cwe,
      ...(ctx.scope.resource ? { resource: ctx.scope.resource } : {}),
    },
    suppressions: suppression ? [suppression] : undefined,
  });
}

function addMisconfig(b: RunBuilder, m: Obj, path: string, ctx: ResultCtx, suppression?: Suppression): void {
  const status = (optStr(m['Status'], `${path}.Status`) ?? 'FAIL').toUpperCase();
  if (status === 'PASS') return; // a passed check is not a finding
  const id = optStr(m['ID'], `${path}.ID`) || optStr(m['AVDID'], `${path}.AVDID`) || nonEmptyId(m['ID'], `${path}.ID`);
  const title = optStr(m['Title'], `${path}.Title`);
  const description = optStr(m['Description'], `${path}.Description`);
  const message = optStr(m['Message'], `${path}.Message`);
  const resolution = optStr(m['Resolution'], `${path}.Resolution`);
  const nativeSeverity = optStr(m['Severity'], `${path}.Severity`);
  const cause = isObj(m['CauseMetadata']) ? m['CauseMetadata'] : {};
  const startLine = optNum(cause['StartLine'], `${path}.CauseMetadata.StartLine`);
  const endLine = optNum(cause['EndLine'], `${path}.CauseMetadata.EndLine`);
  const references = optArr(m['References'], `${path}.References`).filter((x): x is string => typeof x === 'string');
  const exception: Suppression | undefined =
    status === 'EXCEPTION' ? { kind: 'external', status: 'accepted', justification: 'trivy exception policy', properties: { source: 'trivy', status } } : undefined;
  b.rule({
    id,
    shortDescription: title,
    fullDescription: description,
    help: [description, resolution ? `Resolution: ${resolution}` : undefined, ...references].filter(Boolean).join('\n\n'),
    helpUri: optStr(m['PrimaryURL'], `${path}.PrimaryURL`),
    tags: ['misconfiguration'],
  });
  b.add({
    ruleId: id,
    message: message ?? title ?? id,
    severity: parseSeverityLabel(nativeSeverity),
    nativeSeverity,
    location: { uri: fileFor(ctx), startLine, endLine, logicalName: ctx.scope.resource },
    identity: [id, ctx.target, ctx.scope.resource, message],
    kind: 'iac',
    properties: { ...(ctx.scope.resource ? { resource: ctx.scope.resource } : {}) },
    suppressions: suppression ? [suppression] : exception ? [exception] : undefined,
  });
}

function addSecret(b: RunBuilder, s: Obj, path: string, ctx: ResultCtx, suppression?: Suppression): void {
  const id = nonEmptyId(s['RuleID'], `${path}.RuleID`);
  const title = optStr(s['Title'], `${path}.Title`);
  const category = optStr(s['Category'], `${path}.Category`);
  const nativeSeverity = optStr(s['Severity'], `${path}.Severity`);
  const startLine = optNum(s['StartLine'], `${path}.StartLine`);
  const endLine = optNum(s['EndLine'], `${path}.EndLine`);
  const match = optStr(s['Match'], `${path}.Match`); // trivy masks the secret itself
  b.rule({ id, shortDescription: title ?? id, fullDescription: `${title ?? id}${category ? ` (${category})` : ''}: a secret was found in the code.`, help: 'Remove the secret from the code and its history, and rotate it.', tags: ['secret', ...(category ? [category] : [])] });
  b.add({
    ruleId: id,
    message: `${title ?? id} found in ${ctx.target}`,
    severity: parseSeverityLabel(nativeSeverity),
    nativeSeverity,
    location: { uri: ctx.target, startLine, endLine, snippet: match },
    identity: [id, ctx.target, match],
    kind: 'secret',
    suppressions: suppression ? [suppression] : undefined,
  });
}

function addLicense(b: RunBuilder, l: Obj, path: string, ctx: ResultCtx, suppression?: Suppression): void {
  const name = optStr(l['Name'], `${path}.Name`) ?? str(l['Name'], `${path}.Name`);
  const pkg = optStr(l['PkgName'], `${path}.PkgName`);
  const category = optStr(l['Category'], `${path}.Category`);
  const filePath = optStr(l['FilePath'], `${path}.FilePath`);
  const nativeSeverity = optStr(l['Severity'], `${path}.Severity`);
  const id = `license/${name}`;
  b.rule({ id, shortDescription: `License ${name}${category ? ` (${category})` : ''}`, help: `The licence ${name} is classified ${category ?? 'unknown'}: check it is allowed for this product.`, helpUri: optStr(l['Link'], `${path}.Link`) || undefined, tags: ['license'] });
  b.add({
    ruleId: id,
    message: `${pkg ? `${pkg} is licensed` : `${filePath ?? ctx.target} is licensed`} ${name}${category ? ` (${category})` : ''}`,
    severity: parseSeverityLabel(nativeSeverity),
    nativeSeverity,
    location: { uri: filePath || fileFor(ctx), logicalName: pkg, logicalKind: pkg ? 'package' : undefined },
    identity: [name, pkg, filePath ?? ctx.target],
    kind: 'license',
    properties: { ...(pkg ? { packageName: pkg } : {}), license: name },
    suppressions: suppression ? [suppression] : undefined,
  });
}

function cvssOf(x: unknown, path: string): CvssScore[] {
  if (!isObj(x)) return [];
  const out: CvssScore[] = [];
  for (const [source, c] of Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) {
    if (!isObj(c)) continue;
    for (const [ver, scoreKey, vectorKey] of [['4.0', 'V40Score', 'V40Vector'], ['3', 'V3Score', 'V3Vector'], ['2.0', 'V2Score', 'V2Vector']] as const) {
      const score = optNum(c[scoreKey], `${path}.${source}.${scoreKey}`);
      if (score === undefined || score === 0 && !c[vectorKey]) continue;
      const vector = optStr(c[vectorKey], `${path}.${source}.${vectorKey}`);
      const version = ver === '3' ? (vector?.startsWith('CVSS:3.0') ? '3.0' : '3.1') : ver;
      out.push({ score, version, source, ...(vector ? { vector } : {}) });
    }
  }
  return out;
}

function normaliseStatus(status: string | undefined, hasFix: boolean): string | undefined {
  switch (status) {
    case 'fixed': return 'fixed';
    case 'affected': case 'under_investigation': return 'not-fixed';
    case 'will_not_fix': case 'fix_deferred': case 'end_of_life': return 'wont-fix';
    case undefined: return hasFix ? 'fixed' : undefined;
    default: return status;
  }
}

export function cweTags(cwe: string): string[] {
  const n = /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
  return n ? [`CWE-${n}`, `external/cwe/cwe-${n}`] : [];
}
