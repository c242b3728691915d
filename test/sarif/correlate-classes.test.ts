import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log, Result, Run } from 'sarif';
import { correlate } from '../../src/sarif/correlate.js';
import { guidFrom } from '../../src/sarif/hash.js';
import { stableUrl } from '../../src/sarif/uri.js';
import { FINGERPRINT_KEY } from '../../src/sarif/builder.js';
import { locationUri, props, startLine } from '../../src/sarif/props.js';
import { fuzzRuns } from '../helpers/fuzz.js';

/** correlate as first written (string-keyed union-find, a GUID hashed per result): the classes must not move. */
function reference(log: Log): void {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
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
      if (ra < rb) parent.set(rb, ra);
      else parent.set(ra, rb);
    }
  };
  const withoutVersion = (pkg: string) => {
    const slash = pkg.indexOf('/');
    const at = pkg.lastIndexOf('@');
    return at > slash + 1 ? pkg.slice(0, at) : pkg;
  };
  const firstCwe = (r: Result) => {
    const p = props(r);
    for (const t of [...(p.cwe ?? []), ...(p.tags ?? [])]) {
      const m = /^(?:CWE-|external\/cwe\/cwe-)0*(\d+)(?!\d)/i.exec(typeof t === 'string' ? t.trim() : '');
      if (m) return `CWE-${m[1]}`;
    }
    return undefined;
  };
  const nodes: { result: Result; node: string }[] = [];
  const versionless = new Set<string>();
  const versioned: { first: string; bare: string; ids: string[] }[] = [];
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
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
      let node: string;
      const cwe = firstCwe(result);
      const uri = locationUri(result);
      const line = startLine(result);
      if (p.url) node = `dast|${result.ruleId}|${stableUrl(p.url)}|${p.method ?? ''}|${p.param ?? ''}`;
      else if (cwe && uri && line) node = `code|${cwe}|${uri}|${line}`;
      else node = `own|${run.tool.driver.name}|${result.ruleId}|${result.partialFingerprints?.[FINGERPRINT_KEY] ?? JSON.stringify(result.locations ?? [])}`;
      add(node);
      nodes.push({ result, node });
    }
  }
  for (const v of versioned) {
    for (const id of v.ids) if (versionless.has(`name|${v.bare}|${id}`)) union(v.first, `name|${v.bare}|${id}`);
  }
  for (const { result, node } of nodes) result.correlationGuid = guidFrom(find(node));
}

const id = fc.constantFrom('CVE-2021-1', 'cve-2021-1', 'GHSA-x|y', 'CVE-2022-2', 'GHSA-aaaa');
// Package keys with and without versions, npm scopes, a bare trailing "@", and a "|" inside.
const purl = fc.constantFrom('pkg:npm/a@1', 'pkg:npm/a@2', 'pkg:npm/a', 'pkg:npm/a@', 'pkg:npm/@s/b@1', 'pkg:npm/@s/b', 'pkg:npm/a|b@1', 'pkg:npm/a@b|1');
const vuln = fc.record(
  { vulnerabilityId: id, aliases: fc.array(id, { maxLength: 3 }), purl, packageName: fc.constantFrom('a', '@s/b'), packageVersion: fc.constantFrom('1', ''), ecosystem: fc.constantFrom('npm', '') },
  { requiredKeys: ['vulnerabilityId'] },
);
const other = fc.record(
  { url: fc.constantFrom('https://h.example/a?x=1', 'https://h.example/a?x=2', 'HTTPS://h.example/a'), method: fc.constantFrom('GET', 'POST'), cwe: fc.constant(['CWE-79']), tags: fc.constantFrom(['external/cwe/cwe-079'], ['CWE-89: SQLi'], ['security']) },
  { requiredKeys: [] },
);
const result = fc
  .tuple(fc.oneof(vuln, other), fc.constantFrom('R1', 'R2'), fc.constantFrom('a.js', undefined), fc.constantFrom(1, 2, undefined), fc.constantFrom('f1', 'f2', undefined))
  .map(([properties, ruleId, uri, line, fp]): Result => ({
    ruleId,
    message: { text: 'm' },
    ...(uri ? { locations: [{ physicalLocation: { artifactLocation: { uri }, ...(line ? { region: { startLine: line } } : {}) } }] } : {}),
    ...(fp ? { partialFingerprints: { [FINGERPRINT_KEY]: fp } } : {}),
    properties: { severity: 'high', 'security-severity': '8.0', ...(properties as Record<string, unknown>) },
  }));
const logOf = fc.array(fc.tuple(fc.constantFrom('grype', 'trivy', 'npm audit'), fc.array(result, { maxLength: 8 })), { maxLength: 3 }).map(
  (runs): Log => ({ version: '2.1.0', runs: runs.map(([name, results]): Run => ({ tool: { driver: { name } }, results })) }),
);

describe('correlate: the classes and GUIDs of the string-keyed union-find', () => {
  it('gives every result the correlationGuid the former per-result implementation gave', () => {
    fc.assert(
      fc.property(logOf, (log) => {
        const a = structuredClone(log);
        const b = structuredClone(log);
        reference(a);
        correlate(b);
        expect(b).toEqual(a);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
