import type { Run, Suppression } from 'sarif';
import { RunBuilder } from '../../sarif/builder.js';
import { parseSeverityLabel } from '../../sarif/severity.js';
import type { CvssScore, ToolKind } from '../../sarif/props.js';
import { bestScore, firstSentence } from '../grype/json.js';
import { packageKey, purlCore } from '../package-id.js';
import { id as nonEmptyId, isObj, obj, optArr, optNum, optStr, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { ElementPath, idAt, ostr, strAt, strings, type JsonPath } from '../json-path.js';
import { isLazyArray, optElementsOf } from '../lazy-array.js';

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
    return (Array.isArray(doc['Results']) || isLazyArray(doc['Results'])) && 'ArtifactName' in doc;
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
      let i = 0;
      for (const res of optElementsOf(list, `$.${key}`)) {
        const path = `$.${key}[${i++}]`;
        const r = obj(res, path);
        const resource = [optStr(r['Namespace'], `${path}.Namespace`), optStr(r['Kind'], `${path}.Kind`), optStr(r['Name'], `${path}.Name`)].filter(Boolean).join('/');
        // trivy could not scan this resource (image pull failed, …): its findings are missing, say so.
        const error = optStr(r['Error'], `${path}.Error`);
        if (error) b.notify('warning', `trivy could not scan ${resource || 'a resource'}: ${error}`);
        let j = 0;
        for (const x of optElementsOf(r['Results'], `${path}.Results`)) {
          const at = `${path}.Results[${j++}]`;
          addResult(b, obj(x, at), at, { ...scope, resource });
        }
      }
    }
    return b.build();
  }
  let i = 0;
  for (const r of optElementsOf(d['Results'], '$.Results')) {
    const at = `$.Results[${i++}]`;
    addResult(b, obj(r, at), at, scope);
  }
  return b.build();
}

function addResult(b: RunBuilder, r: Obj, path: string, scope: Scope): void {
  const target = optStr(r['Target'], `${path}.Target`) ?? scope.artifact ?? 'unknown';
  const cls = optStr(r['Class'], `${path}.Class`);
  const type = optStr(r['Type'], `${path}.Type`);
  const ctx: ResultCtx = { target, cls, type, scope };
  let i = 0;
  for (const v of optElementsOf(r['Vulnerabilities'], `${path}.Vulnerabilities`)) {
    const at = new ElementPath(path, '.Vulnerabilities', i++);
    addVuln(b, isObj(v) ? v : obj(v, String(at)), at, ctx);
  }
  i = 0;
  for (const m of optElementsOf(r['Misconfigurations'], `${path}.Misconfigurations`)) {
    const at = `${path}.Misconfigurations[${i++}]`;
    addMisconfig(b, obj(m, at), at, ctx);
  }
  i = 0;
  for (const s of optElementsOf(r['Secrets'], `${path}.Secrets`)) {
    const at = `${path}.Secrets[${i++}]`;
    addSecret(b, obj(s, at), at, ctx);
  }
  i = 0;
  for (const l of optElementsOf(r['Licenses'], `${path}.Licenses`)) {
    const at = `${path}.Licenses[${i++}]`;
    addLicense(b, obj(l, at), at, ctx);
  }
  i = 0;
  for (const x of optElementsOf(r['ExperimentalModifiedFindings'], `${path}.ExperimentalModifiedFindings`)) {
    const p = `${path}.ExperimentalModifiedFindings[${i++}]`;
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
  }
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

function addVuln(b: RunBuilder, v: Obj, path: JsonPath, ctx: ResultCtx, suppression?: Suppression): void {
  const id = idAt(v['VulnerabilityID'], path, '.VulnerabilityID');
  const name = strAt(v['PkgName'], path, '.PkgName');
  const installed = ostr(v['InstalledVersion'], path, '.InstalledVersion') ?? '';
  const fixed = ostr(v['FixedVersion'], path, '.FixedVersion');
  const fixedVersions = fixed ? fixed.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const status = ostr(v['Status'], path, '.Status');
  const nativeSeverity = ostr(v['Severity'], path, '.Severity');
  const severitySource = ostr(v['SeveritySource'], path, '.SeveritySource');
  const cvss = cvssOf(v['CVSS'], path);
  const preferred = severitySource === undefined ? cvss : cvss.filter((c) => c.source === severitySource);
  const score = bestScore(preferred.length ? preferred : cvss);
  const ident = isObj(v['PkgIdentifier']) ? v['PkgIdentifier'] : undefined;
  const purl = ident ? ostr(ident['PURL'], path, '.PkgIdentifier.PURL') : undefined;
  const pkgPath = ostr(v['PkgPath'], path, '.PkgPath');
  const title = ostr(v['Title'], path, '.Title');
  const description = ostr(v['Description'], path, '.Description');
  const primaryUrl = ostr(v['PrimaryURL'], path, '.PrimaryURL');
  const references = strings(v['References'], path, '.References');
  const cwe = strings(v['CweIDs'], path, '.CweIDs');
  const vendorIds = strings(v['VendorIDs'], path, '.VendorIDs');
  const ghsa = ghsaIds(references, id);
  const layer = isObj(v['Layer']) ? ostr(v['Layer']['DiffID'], path, '.Layer.DiffID') ?? ostr(v['Layer']['Digest'], path, '.Layer.Digest') : undefined;
  const uri = fileFor(ctx, pkgPath);
  const pkgLabel = `${name}${installed ? `@${installed}` : ''}`;
  const cweTagList = cwe.length ? cwe.flatMap(cweTags) : [];
  const fixedList = fixedVersions.length ? fixedVersions.join(', ') : '';

  if (b.hasRule(id)) {
    // The first declaration wins: a repeat only adds its tags, so its description is not built.
    b.rule({ id, tags: ['vulnerability', ...cweTagList] });
  } else {
    b.rule({
      id,
      shortDescription: title ?? (description ? firstSentence(description) : `${id} in ${name}`),
      fullDescription: description ?? title,
      help: [description ?? title, fixedList ? `Fixed in: ${fixedList}` : undefined, ...(references.slice(0, 10))].filter(Boolean).join('\n\n'),
      helpUri: primaryUrl,
      tags: ['vulnerability', ...cweTagList],
    });
  }
  b.add({
    ruleId: id,
    message: `${id}: ${pkgLabel}${ctx.type ? ` (${ctx.type})` : ''} is vulnerable${fixedList ? `; fixed in ${fixedList}` : status === 'will_not_fix' ? "; the vendor won't fix" : '; no fix available'}`,
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
    tags: cweTagList,
    properties: {
      vulnerabilityId: id,
      aliases: vendorIds.length || ghsa.length ? [...new Set([...vendorIds, ...ghsa])] : [],
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

const GHSA_ID = /\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/;

/** GitHub advisory ids named by the references, other than the finding's own id. */
function ghsaIds(references: readonly string[], id: string): string[] {
  const out: string[] = [];
  for (const u of references) {
    if (!u.includes('GHSA')) continue; // the regex cannot match without it
    const m = GHSA_ID.exec(u)?.[1];
    if (m && m !== id) out.push(m);
  }
  return out;
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

const CVSS_VERSIONS = [['4.0', 'V40Score', 'V40Vector'], ['3', 'V3Score', 'V3Vector'], ['2.0', 'V2Score', 'V2Vector']] as const;

function cvssOf(x: unknown, path: JsonPath): CvssScore[] {
  if (!isObj(x)) return [];
  const out: CvssScore[] = [];
  const entries = Object.entries(x);
  // Sorted by source name; one source (the usual case) needs no locale-aware sort.
  if (entries.length > 1) entries.sort(([a], [b]) => a.localeCompare(b));
  for (const [source, c] of entries) {
    if (!isObj(c)) continue;
    for (const [ver, scoreKey, vectorKey] of CVSS_VERSIONS) {
      const rawScore = c[scoreKey];
      const score = typeof rawScore === 'number' && Number.isFinite(rawScore) ? rawScore : rawScore === undefined ? undefined : optNum(rawScore, `${path}.CVSS.${source}.${scoreKey}`);
      if (score === undefined || score === 0 && !c[vectorKey]) continue;
      const rawVector = c[vectorKey];
      const vector = typeof rawVector === 'string' ? rawVector : optStr(rawVector, `${path}.CVSS.${source}.${vectorKey}`);
      const version = ver === '3' ? (vector?.startsWith('CVSS:3.0') ? '3.0' : '3.1') : ver;
      out.push(vector ? { score, version, source, vector } : { score, version, source });
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
