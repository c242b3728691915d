import type { Run, Suppression } from 'sarif';
import { RunBuilder } from '../../sarif/builder.js';
import { parseSeverityLabel } from '../../sarif/severity.js';
import type { CvssScore } from '../../sarif/props.js';
import { purlCore, packageKey } from '../package-id.js';
import { id as nonEmptyId, isObj, obj, optArr, optNum, optStr, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { elementsOf, isLazyArray, optElementsOf } from '../lazy-array.js';
import { ElementPath, idAt, oarr, onum, ostr, strAt, strings, type JsonPath } from '../json-path.js';


/**
 * Grype `-o json` (descriptor/matches/source). Works across schema versions: the current one
 * (fix.versions/fix.state, epss, knownExploited) and older ones (no `fix`, `fixedInVersion`,
 * string `source.target`). One result per match; ignoredMatches become suppressed results.
 */
export const grypeJson: Adapter = {
  id: 'grype',
  title: 'Grype JSON (-o json)',
  kind: 'container',
  input: 'json',
  detect(doc) {
    if (!isObj(doc) || !(Array.isArray(doc['matches']) || isLazyArray(doc['matches']))) return false;
    const d = doc['descriptor'];
    if (isObj(d) && d['name'] === 'grype') return true;
    // Descriptor stripped: fall back on the match shape.
    const m = doc['matches'];
    const first = isLazyArray(m) ? m.head[0] : m[0];
    return isObj(first) && isObj(first['vulnerability']) && isObj(first['artifact']);
  },
  toRuns(doc, ctx) {
    return [convert(obj(doc, '$'), ctx)];
  },
};

function convert(doc: Obj, ctx: AdapterContext): Run {
  const descriptor = isObj(doc['descriptor']) ? doc['descriptor'] : {};
  const version = optStr(descriptor['version'], '$.descriptor.version');
  const source = isObj(doc['source']) ? doc['source'] : {};
  const sourceType = optStr(source['type'], '$.source.type');
  const target = targetName(source['target']);
  const kind = sourceType === 'image' ? 'container' : 'sca';
  const b = new RunBuilder(
    { name: 'grype', version: version && !version.startsWith('[') ? version : undefined, informationUri: 'https://github.com/anchore/grype', organization: 'Anchore' },
    kind,
    ctx,
    grypeJson.id,
  );
  if (target) b.setProperty('target', target);
  // A LazyArray (a report over the string limit) yields its matches one at a time.
  let n = 0;
  for (const m of elementsOf(doc['matches'], '$.matches')) {
    const path = new ElementPath('$', '.matches', n++);
    addMatch(b, isObj(m) ? m : obj(m, String(path)), path, target, undefined);
  }
  n = 0;
  for (const m of optElementsOf(doc['ignoredMatches'], '$.ignoredMatches')) {
    const path = `$.ignoredMatches[${n++}]`;
    const mo = obj(m, path);
    const rules = optArr(mo['appliedIgnoreRules'], `${path}.appliedIgnoreRules`).filter(isObj);
    const reasons = rules.map((r) => optStr(r['reason'], `${path}.appliedIgnoreRules.reason`)).filter((r): r is string => !!r);
    const suppression: Suppression = {
      kind: 'external',
      status: 'accepted',
      justification: reasons.length ? reasons.join('; ') : 'ignored by a grype ignore rule',
      properties: { source: 'grype', rules },
    };
    addMatch(b, mo, path, target, suppression);
  }
  return b.build();
}

function targetName(t: unknown): string | undefined {
  if (typeof t === 'string') return t;
  if (isObj(t)) return optStr(t['userInput'], '$.source.target.userInput') ?? optStr(t['path'], '$.source.target.path');
  return undefined;
}

function addMatch(b: RunBuilder, m: Obj, path: JsonPath, target: string | undefined, suppression: Suppression | undefined): void {
  const v = isObj(m['vulnerability']) ? m['vulnerability'] : obj(m['vulnerability'], `${path}.vulnerability`);
  const a = isObj(m['artifact']) ? m['artifact'] : obj(m['artifact'], `${path}.artifact`);
  const id = idAt(v['id'], path, '.vulnerability.id');
  const name = strAt(a['name'], path, '.artifact.name');
  const version = ostr(a['version'], path, '.artifact.version') ?? '';
  const type = ostr(a['type'], path, '.artifact.type');
  const purl = ostr(a['purl'], path, '.artifact.purl') || undefined;
  const nativeSeverity = ostr(v['severity'], path, '.vulnerability.severity');
  const related = oarr(m['relatedVulnerabilities'], path, '.relatedVulnerabilities').filter(isObj);

  const fix = isObj(v['fix']) ? v['fix'] : undefined;
  let fixedVersions = fix ? oarr(fix['versions'], path, '.vulnerability.fix.versions').filter((x): x is string => typeof x === 'string' && x !== '') : [];
  const legacyFix = ostr(v['fixedInVersion'], path, '.vulnerability.fixedInVersion');
  if (!fixedVersions.length && legacyFix) fixedVersions = [legacyFix];
  const fixState = normaliseFixState(fix ? ostr(fix['state'], path, '.vulnerability.fix.state') : legacyFix ? 'fixed' : undefined);

  const cvss = cvssOf(v['cvss'], path, '.vulnerability.cvss');
  for (let i = 0; i < related.length; i++) {
    if (related[i]!['cvss'] === undefined || related[i]!['cvss'] === null) continue; // nothing to read (the usual case)
    cvss.push(...cvssOf(related[i]!['cvss'], new ElementPath(path, '.relatedVulnerabilities', i), '.cvss'));
  }
  const score = bestScore(cvss);
  const aliases: string[] = [];
  for (const r of related) {
    const rid = ostr(r['id'], path, '.relatedVulnerabilities.id');
    if (rid && rid !== id && !aliases.includes(rid)) aliases.push(rid);
  }
  let description = ostr(v['description'], path, '.vulnerability.description');
  if (description === undefined) {
    // Every related description is read (a wrong type is an error), the first non-empty one kept.
    for (const r of related) {
      const d = ostr(r['description'], path, '.relatedVulnerabilities.description');
      if (description === undefined && d) description = d;
    }
  }
  const urls = strings(v['urls'], path, '.vulnerability.urls');
  const dataSource = ostr(v['dataSource'], path, '.vulnerability.dataSource');
  let epss = -1;
  for (const e of oarr(v['epss'], path, '.vulnerability.epss')) {
    if (!isObj(e)) continue;
    const x = onum(e['epss'], path, '.vulnerability.epss.epss') ?? -1;
    // Math.max: a NaN cannot come from onum (finite numbers only), so > is the same.
    if (x > epss) epss = x;
  }
  const kev = oarr(v['knownExploited'], path, '.vulnerability.knownExploited').length > 0;

  const locations = oarr(a['locations'], path, '.artifact.locations').filter(isObj);
  const locPath = (l: Obj) => ostr(l['path'], path, '.artifact.locations.path') ?? ostr(l['RealPath'], path, '.artifact.locations.RealPath');
  const layer = (l: Obj) => ostr(l['layerID'], path, '.artifact.locations.layerID');
  const primary = locations[0];
  const pkgLabel = `${name}${version ? `@${version}` : ''}`;
  const uri = (primary && locPath(primary)) || target || pkgLabel;
  const fixedList = fixedVersions.length ? fixedVersions.join(', ') : '';

  if (b.hasRule(id)) {
    // The first declaration wins: a repeat only adds its tags, so its description is not built.
    b.rule({ id, tags: ['vulnerability'] });
  } else {
    b.rule({
      id,
      shortDescription: description ? firstSentence(description) : `${id} in ${name}`,
      fullDescription: description,
      help: [description, fixedList ? `Fixed in: ${fixedList}` : undefined, ...urls].filter(Boolean).join('\n\n'),
      helpUri: dataSource?.startsWith('http') ? dataSource : urls[0],
      tags: ['vulnerability'],
    });
  }
  const primaryLayer = primary && layer(primary);
  b.add({
    ruleId: id,
    message: `${id}: ${pkgLabel}${type ? ` (${type})` : ''} is vulnerable${fixedList ? `; fixed in ${fixedList}` : fixState === 'wont-fix' ? "; the vendor won't fix" : '; no fix available'}`,
    severity: parseSeverityLabel(nativeSeverity),
    nativeSeverity,
    score,
    location: {
      uri,
      message: primaryLayer ? `layer ${primaryLayer}` : undefined,
      logicalName: pkgLabel,
      logicalKind: 'package',
    },
    relatedLocations: locations.length > 1 ? locations.slice(1).map((l) => ({ uri: locPath(l) ?? uri, message: layer(l) ? `layer ${layer(l)}` : undefined })) : undefined,
    identity: [id, type, name, uri],
    properties: {
      vulnerabilityId: id,
      aliases,
      purl: purlCore(purl) ?? packageKey(type, name, version),
      packageName: name,
      packageVersion: version,
      ecosystem: type,
      fixedVersions,
      fixState,
      cvss,
      ...(epss >= 0 ? { epss } : {}),
      ...(kev ? { kev } : {}),
    },
    suppressions: suppression ? [suppression] : undefined,
  });
}

function cvssOf(x: unknown, path: JsonPath, suffix: string): CvssScore[] {
  const out: CvssScore[] = [];
  for (const c of oarr(x, path, suffix)) {
    if (!isObj(c)) continue;
    const metrics = isObj(c['metrics']) ? c['metrics'] : undefined;
    const score = metrics ? onumIn(metrics['baseScore'], path, suffix, '.metrics.baseScore') : undefined;
    if (score === undefined) continue;
    const cv: CvssScore = { score };
    const version = ostrIn(c['version'], path, suffix, '.version');
    const vector = ostrIn(c['vector'], path, suffix, '.vector');
    const source = ostrIn(c['source'], path, suffix, '.source');
    if (version) cv.version = version;
    if (vector) cv.vector = vector;
    if (source) cv.source = source;
    out.push(cv);
  }
  return out;
}

// Two-piece suffixes, joined only for an error.
function ostrIn(x: unknown, path: JsonPath, suffix: string, key: string): string | undefined {
  return typeof x === 'string' || x === undefined || x === null ? ostr(x, path, '') : ostr(x, path, `${suffix}${key}`);
}
function onumIn(x: unknown, path: JsonPath, suffix: string, key: string): number | undefined {
  return (typeof x === 'number' && Number.isFinite(x)) || x === undefined || x === null ? onum(x, path, '') : onum(x, path, `${suffix}${key}`);
}

/** The newest CVSS version's highest base score. */
export function bestScore(cvss: CvssScore[]): number | undefined {
  if (!cvss.length) return undefined;
  if (cvss.length === 1) {
    // Math.max over one version: NaN (an unreadable version) makes the filter below empty → -Infinity.
    return Number.isNaN(cvssMajor(cvss[0]!)) ? -Infinity : cvss[0]!.score;
  }
  const top = Math.max(...cvss.map(cvssMajor));
  return Math.max(...cvss.filter((c) => cvssMajor(c) === top).map((c) => c.score));
}

function cvssMajor(c: CvssScore): number {
  return Number.parseFloat(c.version ?? (c.vector?.startsWith('CVSS:') ? c.vector.slice(5, 8) : '2'));
}

function normaliseFixState(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.toLowerCase();
  if (t === 'fixed') return 'fixed';
  if (t === 'not-fixed' || t === 'not_fixed' || t === 'affected') return 'not-fixed';
  if (t === 'wont-fix' || t === 'will_not_fix' || t === "won't fix") return 'wont-fix';
  return t;
}

export function firstSentence(s: string): string {
  const one = foldSpace(s);
  // What /^(.{20,200}?[.!?])(\s|$)/ finds, without a regex: the first '.', '!' or '?' at index
  // 20…200 followed by the end or white space (after folding, a space is the only white space).
  const last = Math.min(200, one.length - 1);
  for (let i = 20; i <= last; i++) {
    const c = one.charCodeAt(i);
    if ((c === 46 || c === 33 || c === 63) && (i + 1 === one.length || one.charCodeAt(i + 1) === 32)) return one.slice(0, i + 1);
  }
  return one.slice(0, 200) || one;
}

/** s.replace(/\s+/g, ' ').trim(), skipping the replace when there is nothing to fold (the usual case). */
function foldSpace(s: string): string {
  return FOLDABLE.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}
// White space other than a single space: a tab, a newline, two spaces, U+00A0… (what \s+ → ' ' changes).
const FOLDABLE = /[^\S ]| {2}/;
