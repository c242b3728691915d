import type { Run } from 'sarif';
import { packageKey } from '../package-id.js';
import { isObj } from '../shape.js';

/**
 * Installed versions by node path ("node_modules/a/node_modules/b") from a parsed
 * package-lock.json / npm-shrinkwrap.json: lockfileVersion 2 and 3 list them in `packages`;
 * version 1 nests `dependencies`. Unreadable entries are skipped: this only adds precision.
 */
export function lockVersions(lock: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObj(lock)) return out;
  if (isObj(lock['packages'])) {
    for (const [path, p] of Object.entries(lock['packages'])) {
      if (path && isObj(p) && typeof p['version'] === 'string') out.set(path, p['version']);
    }
    return out;
  }
  const walk = (deps: unknown, prefix: string, depth: number) => {
    if (!isObj(deps) || depth > 64) return;
    for (const [name, d] of Object.entries(deps)) {
      if (!isObj(d)) continue;
      const path = `${prefix}node_modules/${name}`;
      if (typeof d['version'] === 'string') out.set(path, d['version']);
      walk(d['dependencies'], `${path}/`, depth + 1);
    }
  };
  walk(lock['dependencies'], '', 0);
  return out;
}

/**
 * npm audit's report v2 names no installed version; the lock file it audited does. For each
 * result whose version is unknown, look its `nodes` up: one version → the result gets it (purl
 * and packageVersion, so correlation and the fix advice are exact); several → they are listed
 * in `installedVersions`. Mutates the run it is given (the runner's own).
 */
export function withInstalledVersions(run: Run, versions: Map<string, string>): void {
  for (const r of run.results ?? []) {
    const p = r.properties;
    if (!p || p['packageVersionUnknown'] !== true || typeof p['packageName'] !== 'string') continue;
    const nodes = Array.isArray(p['nodes']) ? p['nodes'].filter((n): n is string => typeof n === 'string') : [];
    const found = [...new Set(nodes.map((n) => versions.get(n)).filter((v): v is string => !!v))];
    if (found.length === 1) {
      p['packageVersion'] = found[0];
      p['purl'] = packageKey('npm', p['packageName'], found[0]);
      delete p['packageVersionUnknown'];
    } else if (found.length > 1) {
      p['installedVersions'] = found.sort();
    }
  }
}
