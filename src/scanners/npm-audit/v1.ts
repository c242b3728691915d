import type { Run } from 'sarif';
import { parseSeverityLabel } from '../../sarif/severity.js';
import { packageKey } from '../package-id.js';
import { isObj, obj, optArr, optNum, optStr, str, type Obj } from '../shape.js';
import type { AdapterContext } from '../types.js';
import { cweList, cweTagsOf, ghsaFrom, isCve, LOCK_FILE, normaliseGhsa, npmAuditBuilder } from './common.js';

/**
 * `npm audit --json` from npm 6 (the registry's full-audit response: `actions`, `advisories`
 * keyed by advisory id, `muted`, `metadata`). Each advisory lists `findings`: an installed
 * `version` and the dependency `paths` ("a>b>c") that reach it.
 *
 * One result per advisory × installed version (findings with the same version are merged;
 * their paths become related locations), so the purl carries the installed version and
 * Grype/Trivy findings on the same package meet it in correlation. CVE ids come from `cves`,
 * the GHSA id from `github_advisory_id` or the advisory URL.
 */
export function convertV1(doc: Obj, ctx: AdapterContext, format: string): Run {
  const b = npmAuditBuilder(ctx, format);
  b.setProperty('auditReportVersion', 1);
  const advisories = obj(doc['advisories'], '$.advisories');
  const fixes = fixActions(doc['actions']);
  const muted = optArr(doc['muted'], '$.muted');
  if (muted.length) b.setProperty('muted', muted.length);

  for (const [key, a] of Object.entries(advisories)) {
    const path = `$.advisories[${JSON.stringify(key)}]`;
    const adv = obj(a, path);
    const name = str(adv['module_name'], `${path}.module_name`);
    const advisoryId = optStr(adv['id'], `${path}.id`) ?? key;
    const url = optStr(adv['url'], `${path}.url`);
    const ghsaField = optStr(adv['github_advisory_id'], `${path}.github_advisory_id`);
    const ghsa = ghsaField ? normaliseGhsa(ghsaField) : ghsaFrom(url);
    const cves = optArr(adv['cves'], `${path}.cves`).filter((c): c is string => typeof c === 'string' && isCve(c));
    const id = ghsa ?? cves[0] ?? `NPM-${advisoryId}`;
    const aliases = [...new Set([...cves, ...(ghsa ? [ghsa] : []), `NPM-${advisoryId}`])].filter((x) => x !== id);
    const title = optStr(adv['title'], `${path}.title`) ?? id;
    const overview = optStr(adv['overview'], `${path}.overview`);
    const recommendation = optStr(adv['recommendation'], `${path}.recommendation`);
    const nativeSeverity = optStr(adv['severity'], `${path}.severity`);
    const vulnerable = optStr(adv['vulnerable_versions'], `${path}.vulnerable_versions`);
    const patched = optStr(adv['patched_versions'], `${path}.patched_versions`);
    // The registry writes "<0.0.0" when no version is patched.
    const hasPatch = !!patched && patched.trim() !== '<0.0.0' && patched.trim() !== '';
    const cwe = cweList(adv['cwe']);
    const cvss = isObj(adv['cvss']) ? adv['cvss'] : undefined;
    const score = cvss ? optNum(cvss['score'], `${path}.cvss.score`) : undefined;
    const vector = cvss ? optStr(cvss['vectorString'], `${path}.cvss.vectorString`) : undefined;

    b.rule({
      id,
      shortDescription: title,
      fullDescription: overview ?? title,
      help: [overview ?? title, vulnerable ? `Vulnerable versions: ${vulnerable}` : undefined, hasPatch ? `Patched versions: ${patched}` : 'No patched version.', recommendation, url].filter(Boolean).join('\n\n'),
      helpUri: url?.startsWith('https://') ? url : undefined,
      tags: ['vulnerability', ...cweTagsOf(cwe)],
    });

    // findings with the same installed version are the same package version reached by other paths
    const byVersion = new Map<string, { paths: string[]; dev: boolean; optional: boolean; bundled: boolean }>();
    optArr(adv['findings'], `${path}.findings`).forEach((f, i) => {
      const fp = `${path}.findings[${i}]`;
      const fo = obj(f, fp);
      const version = optStr(fo['version'], `${fp}.version`) ?? '';
      const entry = byVersion.get(version) ?? { paths: [], dev: true, optional: true, bundled: true };
      entry.paths.push(...optArr(fo['paths'], `${fp}.paths`).filter((p): p is string => typeof p === 'string'));
      // a version is "dev" only if every finding for it is (the same for optional/bundled)
      entry.dev &&= fo['dev'] === true;
      entry.optional &&= fo['optional'] === true;
      entry.bundled &&= fo['bundled'] === true;
      byVersion.set(version, entry);
    });

    for (const [version, f] of byVersion) {
      const paths = [...new Set(f.paths)];
      const label = `${name}${version ? `@${version}` : ''}`;
      b.add({
        ruleId: id,
        message: `${id}: ${label} (npm) is vulnerable — ${title}${hasPatch ? `; patched in ${patched}` : '; no patched version'}`,
        severity: parseSeverityLabel(nativeSeverity),
        nativeSeverity,
        score: score && score > 0 ? score : undefined,
        location: { uri: LOCK_FILE, logicalName: paths[0] ?? name, logicalKind: 'package', message: paths[0] ? `dependency path ${paths[0]}` : undefined },
        relatedLocations: paths.slice(1, 21).map((p) => ({ uri: LOCK_FILE, logicalName: p, logicalKind: 'package', message: `also reached by ${p}` })),
        identity: [id, name, version],
        tags: cweTagsOf(cwe),
        properties: {
          vulnerabilityId: id,
          aliases,
          purl: packageKey('npm', name, version || undefined),
          packageName: name,
          packageVersion: version || undefined,
          ecosystem: 'npm',
          fixedVersions: hasPatch ? [patched!] : [],
          fixState: hasPatch ? 'fixed' : 'not-fixed',
          cwe,
          ...(score && score > 0 ? { cvss: [{ score, ...(vector ? { vector, version: vector.slice(5, 8) } : {}), source: 'npm' }] } : {}),
          advisoryRange: vulnerable,
          paths,
          ...(fixes.get(advisoryId)?.size ? { fixActions: [...fixes.get(advisoryId)!] } : {}),
          ...(f.dev ? { dev: true } : {}),
          ...(f.optional ? { optional: true } : {}),
          ...(f.bundled ? { bundled: true } : {}),
        },
      });
    }
  }
  return b.build();
}

/**
 * npm 6's remediation plan (`actions`): which command resolves which advisory — "update lodash
 * to 4.17.21", "install mocha@9.2.2 (semver-major)", or "review ua-parser-js" when npm has no
 * automatic fix. Keyed by advisory id; unreadable entries are skipped (the plan is advice, the
 * advisories are the findings).
 */
function fixActions(actions: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const a of Array.isArray(actions) ? actions : []) {
    if (!isObj(a)) continue;
    const action = typeof a['action'] === 'string' ? a['action'] : undefined;
    const module = typeof a['module'] === 'string' ? a['module'] : undefined;
    if (!action || !module) continue;
    const target = typeof a['target'] === 'string' ? a['target'] : undefined;
    const text =
      action === 'install' ? `install ${module}${target ? `@${target}` : ''}${a['isMajor'] === true ? ' (semver-major)' : ''}`
      : action === 'update' ? `update ${module}${target ? ` to ${target}` : ''}`
      : `${action} ${module}`;
    for (const r of Array.isArray(a['resolves']) ? a['resolves'] : []) {
      if (!isObj(r) || (typeof r['id'] !== 'number' && typeof r['id'] !== 'string')) continue;
      const id = String(r['id']);
      (out.get(id) ?? out.set(id, new Set()).get(id)!).add(text);
    }
  }
  return out;
}
