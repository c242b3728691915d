import type { Log, Result, Run } from 'sarif';
import { guidBytesInto, guidText } from './hash.js';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';
import { stableUrl } from './uri.js';
import { FINGERPRINT_KEY } from './builder.js';
import { locationUri, props, startLine, type FindingProps } from './props.js';

/**
 * Give every result a correlationGuid: one equivalence class per real-world issue, whichever
 * tools saw it. Classes:
 *  - a vulnerability in a package: same package (purl core) and any shared id, aliases
 *    included (GHSA ↔ CVE), so Grype's, Trivy's and npm audit's reports of it are one class;
 *  - a code finding: same CWE, file and line (two SAST tools on the same line), otherwise
 *    the tool's own rule and fingerprint;
 *  - a DAST alert: rule, URL, method and parameter.
 * A GUID the input already had is replaced: secgate's classes span tools, the input's do not.
 *
 * A class's GUID is derived from its smallest key (the union-find root), so it does not depend on
 * input order; it is hashed from the root key each time it is asked (nothing held per class).
 */
export function correlate(log: Log): void {
  const c = new Correlator();
  // The node of each result, in log order (results are walked twice: classes first, GUIDs second).
  const nodeOf: number[] = [];
  for (const run of log.runs) for (const result of run.results ?? []) nodeOf.push(c.add(run, result));
  if (c.needsVersionedPass) {
    let k = 0;
    for (const run of log.runs) for (const result of run.results ?? []) c.joinVersionless(nodeOf[k++]!, result);
  }
  let k = 0;
  for (const run of log.runs) {
    const results = run.results;
    if (!results) continue;
    for (let i = 0; i < results.length; i++) results[i]!.correlationGuid = c.guidOf(nodeOf[k++]!);
  }
}

/**
 * correlate() one result at a time, for a gate that never holds the whole log (src/policy/ledger.ts):
 * `add` each result (any order: a class's GUID comes from its smallest key), then — only when
 * `needsVersionedPass` — `joinVersionless` each versioned package finding again, then `guidOf`.
 */
export class Correlator {
  private readonly classes = new KeyClasses();
  // npm audit (v2) does not say which version is installed: its findings name the package
  // without a version, and join the class of any versioned finding on that package that
  // shares an id (npm reports one entry per package name, whatever versions are installed).
  private readonly versionless = new Set<string>();
  private versioned = false;

  /** The result's node: its class is decided once every result was added. */
  add(run: Run, result: Result): number {
    const classes = this.classes;
    const p = props(result);
    if (p.vulnerabilityId && (p.purl || p.packageName)) {
      const pkg = packageKey(p);
      const first = classes.add(`vuln|${pkg}|${p.vulnerabilityId.toUpperCase()}`);
      const aliases = p.aliases ?? [];
      for (const alias of aliases) classes.union(first, classes.add(`vuln|${pkg}|${alias.toUpperCase()}`));
      if (!hasVersion(pkg)) {
        const bare = withoutVersion(pkg);
        for (const id of [p.vulnerabilityId, ...aliases]) {
          const name = `name|${bare}|${id.toUpperCase()}`;
          this.versionless.add(name);
          classes.union(first, classes.add(name));
        }
      } else this.versioned = true;
      return first;
    }
    return classes.add(otherKey(run, result, p));
  }

  /** Versionless (npm audit) and versioned findings both seen: versioned ones must be walked again. */
  get needsVersionedPass(): boolean {
    return this.versioned && this.versionless.size > 0;
  }

  /** A versioned finding joins a versionless one through their shared name|package|id node. */
  joinVersionless(node: number, result: Result): void {
    const p = props(result);
    if (!(p.vulnerabilityId && (p.purl || p.packageName))) return;
    const pkg = packageKey(p);
    if (!hasVersion(pkg)) return;
    const bare = withoutVersion(pkg);
    for (const id of [p.vulnerabilityId, ...(p.aliases ?? [])]) {
      const name = `name|${bare}|${id.toUpperCase()}`;
      if (this.versionless.has(name)) this.classes.union(node, this.classes.add(name));
    }
  }

  /** Whether this result could join a versionless class (worth keeping its id for the versioned pass). */
  static isVersionedPackageFinding(result: Result): boolean {
    const p = props(result);
    return !!(p.vulnerabilityId && (p.purl || p.packageName) && hasVersion(packageKey(p)));
  }

  /** The node's class: the same number for every node of a class (its root). */
  classOf(node: number): number {
    return this.classes.find(node);
  }

  guidOf(node: number): string {
    return this.classes.guidOf(node);
  }
}

/** The class key of a result that is not a vulnerability in a package: a DAST alert, a code finding, or the tool's own. */
function otherKey(run: Run, result: Result, p: Partial<FindingProps>): string {
  if (p.url) return `dast|${result.ruleId}|${stableUrl(p.url)}|${p.method ?? ''}|${p.param ?? ''}`;
  const cwe = firstCwe(p);
  if (cwe) {
    const uri = locationUri(result);
    const line = startLine(result);
    if (uri && line) return `code|${cwe}|${uri}|${line}`;
  }
  return `own|${run.tool.driver.name}|${result.ruleId}|${result.partialFingerprints?.[FINGERPRINT_KEY] ?? JSON.stringify(result.locations ?? [])}`;
}

function packageKey(p: Partial<FindingProps>): string {
  return p.purl ?? `${p.ecosystem ?? ''}/${p.packageName}@${p.packageVersion ?? ''}`;
}

/**
 * Union-find over string keys, by number. The smaller key becomes the root of a union, so a
 * class's root is its smallest key whatever order the unions came in; its GUID is hashed from the
 * root's key when asked. Keys live in a KeyTable (off the heap, ~key length + 25 bytes each) and
 * parents in a typed array: a 1 GB report's millions of keys are not millions of strings.
 */
class KeyClasses {
  private readonly keys = new KeyTable();
  private parent = new Int32Array(1024);
  /** 16 bytes a key: its GUID once asked (only roots are), zero until then. */
  private guidBytes: Uint8Array = new Uint8Array(0);

  add(key: string): number {
    const before = this.keys.size;
    const n = this.keys.add(key);
    if (this.keys.size > before) {
      this.parent = grown(this.parent, n);
      this.parent[n] = n;
    }
    return n;
  }

  find(n: number): number {
    const parent = this.parent;
    let r = n;
    while (parent[r] !== r) r = parent[r]!;
    // path compression
    while (n !== r) {
      const next = parent[n]!;
      parent[n] = r;
      n = next;
    }
    return r;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (this.keys.get(ra) < this.keys.get(rb)) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }

  /**
   * The class's GUID, hashed from its root key once and kept as its 16 bytes (not a string: a
   * string per class would be millions of heap objects): every walk of a spooled log — the SARIF
   * writer, the GitHub Actions summary, history — asks again for every result.
   */
  guidOf(n: number): string {
    const r = this.find(n);
    this.guidBytes = grown(this.guidBytes, this.keys.size * 16 - 1);
    // A GUID's byte 6 holds its version (5): a stored one is never zero there.
    if (this.guidBytes[r * 16 + 6] === 0) guidBytesInto(this.keys.get(r), this.guidBytes, r * 16);
    return guidText(this.guidBytes, r * 16);
  }
}

/** Does the package key name a version ("…@1.2.3"; not "…@", which npm audit's versionless key ends with)? */
function hasVersion(pkg: string): boolean {
  const at = versionAt(pkg);
  return at >= 0 && at < pkg.length - 1;
}

/** Where the version's "@" is, or -1 (an "@" right after the type is a scope, not a version). */
function versionAt(pkg: string): number {
  const at = pkg.lastIndexOf('@');
  return at > pkg.indexOf('/') + 1 ? at : -1;
}

/** "pkg:npm/@scope/name@1.2.3" → "pkg:npm/@scope/name" (an "@" right after the type is a scope, not a version). */
function withoutVersion(pkg: string): string {
  const at = versionAt(pkg);
  return at >= 0 ? pkg.slice(0, at) : pkg;
}

const CWE_SPELLING = /^(?:CWE-|external\/cwe\/cwe-)0*(\d+)(?!\d)/i;

function firstCwe(p: Partial<FindingProps>): string | undefined {
  // One spelling for every tool's: CodeQL tags "external/cwe/cwe-089", Semgrep "CWE-89: Improper …", Trivy "CWE-89".
  for (const list of [p.cwe, p.tags]) {
    for (const t of list ?? []) {
      const m = CWE_SPELLING.exec(typeof t === 'string' ? t.trim() : '');
      if (m) return `CWE-${m[1]}`;
    }
  }
  return undefined;
}
