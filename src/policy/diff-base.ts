import type { Result } from 'sarif';
import { locationUri, props, startLine } from '../sarif/props.js';
import { purlCore } from '../scanners/package-id.js';
import { pathForGlob } from './glob.js';

/** What changed since the diff base: added/changed lines per file, and added/changed packages. */
export interface ChangeSet {
  ref: string;
  lines: Map<string, Set<number>>;
  /** Files git does not track yet (not in any diff): every line of them is new. */
  untracked?: Set<string>;
  /** purl cores with version (pkg:npm/lodash@4.17.21) added or changed. */
  packages: Set<string>;
  /** purl types whose lock files were compared (npm): only their findings can be "existing". */
  ecosystems: Set<string>;
}

/**
 * `git diff --unified=0 <ref>` → lines added or changed in the new version, per file (as reviewdog's
 * "added" filter reads a diff: the + side of each hunk). Deleted files and pure deletions add none.
 */
export function parseUnifiedDiff(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4).replace(/\t.*$/, '');
      file = name === '/dev/null' ? undefined : unquote(name).replace(/^b\//, '');
      continue;
    }
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && file) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (!count) continue;
      let set = out.get(file);
      if (!set) out.set(file, (set = new Set()));
      for (let n = start; n < start + count; n++) set.add(n);
    }
  }
  return out;
}

/** git quotes paths with unusual bytes: "b/caf\303\251.js". */
function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i]!;
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * package-lock.json (lockfileVersion 1, 2 and 3) → the set of pkg:npm/name@version it installs.
 * v2/v3 list `packages["node_modules/a/node_modules/b"]`; v1 nests `dependencies`.
 */
export function npmLockPackages(text: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  let doc: { packages?: Record<string, { version?: unknown; name?: unknown; link?: unknown }>; dependencies?: Record<string, unknown> };
  try {
    doc = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return out;
  for (const [path, info] of Object.entries(isRecord(doc.packages) ? doc.packages : {})) {
    if (!path || !isRecord(info) || info.link || typeof info?.version !== 'string') continue;
    const name = typeof info.name === 'string' ? info.name : path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.add(purlCore(`pkg:npm/${name}@${info.version}`)!);
  }
  const walk = (deps: Record<string, unknown> | undefined) => {
    for (const [name, d] of Object.entries(isRecord(deps) ? deps : {})) {
      if (!isRecord(d)) continue;
      const dep = d as { version?: unknown; dependencies?: Record<string, unknown> };
      if (typeof dep.version === 'string' && !dep.version.startsWith('file:')) out.add(purlCore(`pkg:npm/${name}@${dep.version}`)!);
      walk(dep.dependencies);
    }
  };
  if (!isRecord(doc.packages)) walk(doc.dependencies);
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** go.sum → pkg:golang/module@version for every module version it pins (the /go.mod-only lines name no code). */
export function goSumPackages(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const line of (text ?? '').split('\n')) {
    const [mod, version] = line.trim().split(/\s+/);
    if (!mod || !version || version.endsWith('/go.mod')) continue;
    // Scanners differ on the Go version's leading "v" (v1.2.3 / 1.2.3): both spellings are listed.
    out.add(purlCore(`pkg:golang/${mod}@${version}`)!);
    out.add(purlCore(`pkg:golang/${mod}@${version.replace(/^v/, '')}`)!);
  }
  return out;
}

/** Packages in `now` that `before` did not have (added, or at another version). */
export function changedPackages(before: Set<string>, now: Set<string>): Set<string> {
  return new Set([...now].filter((p) => !before.has(p)));
}

/**
 * Is this result new by what changed since the diff base: a code finding is new when
 * its line was added or changed; a package finding is new when its package (at that version)
 * was added or changed in a compared lock file. Findings of packages whose lock file was not
 * compared, and findings without a line, are new only if their file changed at all — unknown
 * is treated as new rather than waved through (the ledger asks only of results the baseline did not judge).
 */
export function isNewSince(result: Result, changes: ChangeSet): boolean {
  const p = props(result);
  const purl = purlCore(p.purl);
  if (purl && changes.ecosystems.has(purl.slice(4, purl.indexOf('/')))) return changes.packages.has(purl);
  const file = pathForGlob(locationUri(result));
  const line = startLine(result);
  const changed = file ? changes.lines.get(file) : undefined;
  if (p.url) return true; // a live URL has no line in the repository: cannot say, so new
  if (purl) return true;
  if (file && changes.untracked?.has(file)) return true;
  if (line && file) return changed?.has(line) ?? false;
  return changed !== undefined;
}
