import type { Log, Result } from 'sarif';
import { guidFrom } from './hash.js';
import { stableUrl } from './uri.js';
import { FINGERPRINT_KEY } from './builder.js';
import { eachResult, locationUri, props, startLine } from './props.js';

/**
 * Give every result a correlationGuid: one equivalence class per real-world issue, whichever
 * tools saw it. Classes:
 *  - a vulnerability in a package: same package (purl core) and any shared id, aliases
 *    included (GHSA ↔ CVE), so Grype's, Trivy's and npm audit's reports of it are one class;
 *  - a code finding: same CWE, file and line (two SAST tools on the same line), otherwise
 *    the tool's own rule and fingerprint;
 *  - a DAST alert: rule, URL, method and parameter.
 * A GUID the input already had is replaced: secgate's classes span tools, the input's do not.
 */
export function correlate(log: Log): void {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    // path compression
    let c = x;
    while (c !== r) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string) => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      // The smaller key becomes the root, so the class name does not depend on input order.
      if (ra < rb) parent.set(rb, ra);
      else parent.set(ra, rb);
    }
  };

  const nodes: { result: Result; node: string }[] = [];
  // npm audit (v2) does not say which version is installed: its findings name the package
  // without a version, and join the class of any versioned finding on that package that
  // shares an id (npm reports one entry per package name, whatever versions are installed).
  const versionless = new Set<string>();
  const versioned: { first: string; bare: string; ids: string[] }[] = [];
  for (const { run, result } of eachResult(log)) {
    const p = props(result);
    if (p.vulnerabilityId && (p.purl || p.packageName)) {
      const pkg = p.purl ?? `${p.ecosystem ?? ''}/${p.packageName}@${p.packageVersion ?? ''}`;
      const ids = [p.vulnerabilityId, ...(p.aliases ?? [])].map((i) => i.toUpperCase());
      const first = `vuln|${pkg}|${ids[0]}`;
      add(first);
      for (const id of ids.slice(1)) union(first, `vuln|${pkg}|${id}`);
      nodes.push({ result, node: first });
      const bare = withoutVersion(pkg);
      if (bare === pkg || pkg.endsWith('@')) {
        for (const id of ids) {
          versionless.add(`name|${bare}|${id}`);
          union(first, `name|${bare}|${id}`);
        }
      } else versioned.push({ first, bare, ids });
      continue;
    }
    if (p.url) {
      const node = `dast|${result.ruleId}|${stableUrl(p.url)}|${p.method ?? ''}|${p.param ?? ''}`;
      add(node);
      nodes.push({ result, node });
      continue;
    }
    const cwe = firstCwe(result);
    const uri = locationUri(result);
    const line = startLine(result);
    if (cwe && uri && line) {
      const node = `code|${cwe}|${uri}|${line}`;
      add(node);
      nodes.push({ result, node });
      continue;
    }
    const node = `own|${run.tool.driver.name}|${result.ruleId}|${result.partialFingerprints?.[FINGERPRINT_KEY] ?? JSON.stringify(result.locations ?? [])}`;
    add(node);
    nodes.push({ result, node });
  }
  for (const v of versioned) {
    for (const id of v.ids) if (versionless.has(`name|${v.bare}|${id}`)) union(v.first, `name|${v.bare}|${id}`);
  }
  for (const { result, node } of nodes) result.correlationGuid = guidFrom(find(node));
}

/** "pkg:npm/@scope/name@1.2.3" → "pkg:npm/@scope/name" (an "@" right after the type is a scope, not a version). */
function withoutVersion(pkg: string): string {
  const slash = pkg.indexOf('/');
  const at = pkg.lastIndexOf('@');
  return at > slash + 1 ? pkg.slice(0, at) : pkg;
}

function firstCwe(r: Result): string | undefined {
  const p = props(r);
  // One spelling for every tool's: CodeQL tags "external/cwe/cwe-089", Semgrep "CWE-89: Improper …", Trivy "CWE-89".
  for (const t of [...(p.cwe ?? []), ...(p.tags ?? [])]) {
    const m = /^(?:CWE-|external\/cwe\/cwe-)0*(\d+)(?!\d)/i.exec(typeof t === 'string' ? t.trim() : '');
    if (m) return `CWE-${m[1]}`;
  }
  return undefined;
}
