import type { Run } from 'sarif';
import { valid as semverValid } from 'semver';
import { parseSeverityLabel } from '../../sarif/severity.js';
import type { LocationInput } from '../../sarif/builder.js';
import { packageKey } from '../package-id.js';
import { isObj, obj, optArr, optNum, optStr, ShapeError, type Obj } from '../shape.js';
import type { AdapterContext } from '../types.js';
import { cweList, cweTagsOf, ghsaFrom, LOCK_FILE, npmAuditBuilder } from './common.js';

/**
 * `npm audit --json` from npm ≥ 7 (`auditReportVersion: 2`, written by @npmcli/arborist's
 * AuditReport.toJSON). `vulnerabilities` is keyed by package name; each entry's `via` mixes
 * advisory objects (this package is vulnerable) and package names (it is vulnerable only
 * because it depends on that package: the transitive chain).
 *
 * One result per vulnerable package × advisory object. Names in `via` and the dependents in
 * `effects` are kept as properties and related locations of those results, so a dependency
 * that is only "vulnerable via X" is not counted a second time.
 *
 * The report has no installed version: `range` is the *vulnerable* range, simplified over every
 * published version. Only when that range is one exact version is the installed version
 * known; otherwise the purl has no version and correlation matches on name + advisory.
 */
export function convertV2(doc: Obj, ctx: AdapterContext, format: string): Run {
  const version = doc['auditReportVersion'];
  if (version !== 2) throw new ShapeError('$.auditReportVersion', `npm audit report version ${JSON.stringify(version)} is not supported (expected 2)`);
  const b = npmAuditBuilder(ctx, format);
  b.setProperty('auditReportVersion', 2);
  const vulns = obj(doc['vulnerabilities'], '$.vulnerabilities');
  const entries = Object.entries(vulns).map(([key, v]) => [key, obj(v, `$.vulnerabilities[${JSON.stringify(key)}]`)] as const);
  const byName = new Map(entries);

  for (const [key, v] of entries) {
    const path = `$.vulnerabilities[${JSON.stringify(key)}]`;
    const name = optStr(v['name'], `${path}.name`) ?? key;
    const range = optStr(v['range'], `${path}.range`);
    const nodes = optArr(v['nodes'], `${path}.nodes`).filter((n): n is string => typeof n === 'string');
    const isDirect = v['isDirect'] === true;
    const via = optArr(v['via'], `${path}.via`);
    const viaPackages = via.filter((x): x is string => typeof x === 'string');
    const fixAvailable = v['fixAvailable'];
    const fixState = fixAvailable === false ? 'not-fixed' : fixAvailable === undefined ? undefined : 'fixed';
    // Only an exact single version in the vulnerable range identifies what is installed.
    const installed = range && semverValid(range.trim().replace(/^=/, '')) ? range.trim().replace(/^=/, '') : undefined;
    const chains = dependentChains(name, byName);
    const related: LocationInput[] = [
      ...nodes.slice(1).map((n) => ({ uri: LOCK_FILE, logicalName: n, logicalKind: 'package', message: `also installed at ${n}` })),
      ...chains.map((c) => ({ uri: LOCK_FILE, logicalName: c[c.length - 1], logicalKind: 'package', message: `required by ${c.slice(1).join(' → ')}` })),
    ];

    via.forEach((a, i) => {
      if (typeof a === 'string') return;
      const ap = `${path}.via[${i}]`;
      const adv = obj(a, ap);
      const url = optStr(adv['url'], `${ap}.url`);
      const source = optStr(adv['source'], `${ap}.source`) ?? optStr(adv['id'], `${ap}.id`);
      const ghsa = ghsaFrom(url);
      const id = ghsa ?? (source ? `NPM-${source}` : `npm-audit/${name}`);
      const title = optStr(adv['title'], `${ap}.title`) ?? id;
      const nativeSeverity = optStr(adv['severity'], `${ap}.severity`) ?? optStr(v['severity'], `${path}.severity`);
      const advRange = optStr(adv['range'], `${ap}.range`) ?? optStr(adv['vulnerable_versions'], `${ap}.vulnerable_versions`);
      const cwe = cweList(adv['cwe']);
      const cvss = isObj(adv['cvss']) ? adv['cvss'] : undefined;
      const score = cvss ? optNum(cvss['score'], `${ap}.cvss.score`) : undefined;
      const vector = cvss ? optStr(cvss['vectorString'], `${ap}.cvss.vectorString`) : undefined;
      const advName = optStr(adv['name'], `${ap}.name`) ?? name;

      b.rule({
        id,
        shortDescription: title,
        fullDescription: `${title} (${advName}${advRange ? ` ${advRange}` : ''})`,
        help: [title, advRange ? `Vulnerable versions: ${advRange}` : undefined, 'Run `npm audit fix` (or update the dependents listed) to install a fixed version.', url].filter(Boolean).join('\n\n'),
        helpUri: url?.startsWith('https://') ? url : undefined,
        tags: ['vulnerability', ...cweTagsOf(cwe)],
      });
      b.add({
        ruleId: id,
        message: `${id}: ${name}${installed ? `@${installed}` : ''} (npm, ${range ? `vulnerable range ${range}` : 'vulnerable'}) — ${title}${fixState === 'not-fixed' ? '; no fix available' : fixState === 'fixed' ? '; fix available' : ''}`,
        severity: parseSeverityLabel(nativeSeverity),
        nativeSeverity,
        score: score && score > 0 ? score : undefined,
        location: { uri: LOCK_FILE, logicalName: nodes[0] ?? `node_modules/${name}`, logicalKind: 'package', message: isDirect ? 'direct dependency' : 'transitive dependency' },
        relatedLocations: related,
        identity: [id, name],
        tags: cweTagsOf(cwe),
        properties: {
          vulnerabilityId: id,
          aliases: source && ghsa ? [`NPM-${source}`] : [],
          purl: packageKey('npm', name, installed),
          packageName: name,
          ...(installed ? { packageVersion: installed } : { packageVersionUnknown: true }),
          ecosystem: 'npm',
          fixState,
          cwe,
          ...(score && score > 0 ? { cvss: [{ score, ...(vector ? { vector, version: vector.slice(5, 8) } : {}), source: 'npm' }] } : {}),
          vulnerableRange: range,
          advisoryRange: advRange,
          isDirect,
          nodes,
          ...(viaPackages.length ? { viaPackages } : {}),
          ...(chains.length ? { dependencyChains: chains.map((c) => c.join(' ← ')) } : {}),
          ...(isObj(fixAvailable) ? { fixAvailable } : {}),
        },
      });
    });
  }
  return b.build();
}

/**
 * The dependents through which `name` is pulled in, from `effects` up to a package with no
 * further effects (usually a direct dependency): ["debug", "@vercel/fun", "vercel"].
 * Bounded: reports of large trees can have many chains, and readers need a few, not all.
 */
function dependentChains(name: string, byName: Map<string, Obj>, max = 5, depth = 8): string[][] {
  const out: string[][] = [];
  const walk = (chain: string[]) => {
    if (out.length >= max) return;
    const v = byName.get(chain[chain.length - 1]!);
    const effects = v ? (Array.isArray(v['effects']) ? v['effects'] : []).filter((e): e is string => typeof e === 'string') : [];
    const next = effects.filter((e) => !chain.includes(e));
    if (!next.length || chain.length > depth) {
      if (chain.length > 1) out.push(chain);
      return;
    }
    for (const e of next) walk([...chain, e]);
  };
  walk([name]);
  return out;
}
