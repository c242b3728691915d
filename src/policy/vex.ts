import type { Result, Suppression } from 'sarif';
import { ReportError } from '../errors.js';
import { isSuppressed, props } from '../sarif/props.js';
import { purlCore } from '../scanners/package-id.js';
import { isAbsent, purlOf } from './match.js';

/** One VEX statement, from either format, reduced to what suppression needs. */
export interface VexStatement {
  document: string;
  /** Vulnerability id and aliases, upper-cased. */
  ids: string[];
  /** Package URLs (core, no qualifiers) the statement is about; a versionless one covers every version. */
  purls: string[];
  /** The format's own word: not_affected, fixed, false_positive, resolved, affected, … */
  status: string;
  suppresses: boolean;
  justification?: string;
  detail?: string;
}

export interface VexUse {
  document: string;
  format: 'openvex' | 'cyclonedx';
  statements: number;
  /** Statements whose status suppresses (not_affected, fixed, false_positive, resolved). */
  suppressing: number;
  /** Results suppressed by this document. */
  applied: number;
}

const OPENVEX_SUPPRESS = new Set(['not_affected', 'fixed']);
const CDX_SUPPRESS = new Set(['not_affected', 'false_positive', 'resolved', 'resolved_with_pedigree']);

export function isOpenVex(doc: unknown): boolean {
  const ctx = (doc as { '@context'?: unknown } | null)?.['@context'];
  return typeof ctx === 'string' && ctx.startsWith('https://openvex.dev/ns');
}

export function isCycloneDx(doc: unknown): boolean {
  return (doc as { bomFormat?: unknown } | null)?.bomFormat === 'CycloneDX';
}

/** A parsed JSON document → statements. Unknown shapes are a ReportError naming the file. */
export function parseVex(doc: unknown, file: string): { format: VexUse['format']; statements: VexStatement[] } {
  if (isOpenVex(doc)) return { format: 'openvex', statements: parseOpenVex(doc as Record<string, unknown>, file) };
  if (isCycloneDx(doc)) return { format: 'cyclonedx', statements: parseCycloneDxVex(doc as Record<string, unknown>, file) };
  throw new ReportError(file, 'not an OpenVEX document (@context https://openvex.dev/ns/…) nor a CycloneDX BOM (bomFormat "CycloneDX")', 'pass an OpenVEX or CycloneDX VEX JSON file to --vex / vex:');
}

/**
 * OpenVEX (v0.0.1 and v0.2.0): statements[] { vulnerability ({ name, aliases } or a string),
 * products ([{ @id, identifiers.purl, subcomponents[{ @id }] }] or strings), status, justification,
 * impact_statement }. A statement with subcomponents is about those packages inside the product.
 */
function parseOpenVex(doc: Record<string, unknown>, file: string): VexStatement[] {
  const statements = doc['statements'];
  if (!Array.isArray(statements)) throw new ReportError(file, 'OpenVEX document without a statements list', undefined, 'statements');
  return statements.map((s: unknown, i): VexStatement => {
    const where = `statements[${i}]`;
    if (typeof s !== 'object' || s === null) throw new ReportError(file, 'a statement must be an object', undefined, where);
    const st = s as Record<string, unknown>;
    const v = st['vulnerability'];
    const ids = typeof v === 'string' ? [v] : v && typeof v === 'object' ? [(v as { name?: unknown }).name, (v as { '@id'?: unknown })['@id'], ...arr((v as { aliases?: unknown }).aliases)] : [];
    const idList = ids.filter((x): x is string => typeof x === 'string' && x !== '' && !x.includes('://')).map((x) => x.toUpperCase());
    if (!idList.length) throw new ReportError(file, 'statement without a vulnerability name', undefined, `${where}.vulnerability`);
    const status = typeof st['status'] === 'string' ? st['status'] : '';
    if (!status) throw new ReportError(file, 'statement without a status', undefined, `${where}.status`);
    const purls: string[] = [];
    for (const p of arr(st['products'])) {
      const subs = typeof p === 'object' && p !== null ? arr((p as { subcomponents?: unknown }).subcomponents) : [];
      const targets = subs.length ? subs : [p];
      for (const t of targets) {
        const ids = typeof t === 'string' ? [t] : typeof t === 'object' && t !== null ? [(t as { '@id'?: unknown })['@id'], ((t as { identifiers?: { purl?: unknown } }).identifiers ?? {}).purl] : [];
        for (const id of ids) if (typeof id === 'string' && id.startsWith('pkg:')) purls.push(purlCore(id) ?? id);
      }
    }
    return {
      document: file,
      ids: [...new Set(idList)],
      purls: [...new Set(purls)],
      status,
      suppresses: OPENVEX_SUPPRESS.has(status),
      ...(typeof st['justification'] === 'string' ? { justification: st['justification'] } : {}),
      ...(typeof st['impact_statement'] === 'string' ? { detail: st['impact_statement'] } : {}),
    };
  });
}

/**
 * CycloneDX VEX (1.4+): vulnerabilities[] { id, references[{ id }], analysis { state,
 * justification, detail }, affects[{ ref }] }. `ref` is a bom-ref (resolved through components,
 * nested ones too) or a BOM-Link `urn:cdx:serial/version#bom-ref`, whose bom-ref is often the purl.
 */
function parseCycloneDxVex(doc: Record<string, unknown>, file: string): VexStatement[] {
  const refs = new Map<string, string>();
  const walk = (components: unknown) => {
    for (const c of arr(components)) {
      if (typeof c !== 'object' || c === null) continue;
      const comp = c as { 'bom-ref'?: unknown; purl?: unknown; components?: unknown };
      if (typeof comp['bom-ref'] === 'string' && typeof comp.purl === 'string') refs.set(comp['bom-ref'], comp.purl);
      walk(comp.components);
    }
  };
  walk(doc['components']);
  const meta = (doc['metadata'] as { component?: unknown } | undefined)?.component;
  if (meta) walk([meta]);
  const out: VexStatement[] = [];
  arr(doc['vulnerabilities']).forEach((v: unknown, i) => {
    const where = `vulnerabilities[${i}]`;
    if (typeof v !== 'object' || v === null) throw new ReportError(file, 'a vulnerability must be an object', undefined, where);
    const vuln = v as Record<string, unknown>;
    const analysis = vuln['analysis'] as { state?: unknown; justification?: unknown; detail?: unknown } | undefined;
    // Without an analysis the entry is a finding (an SBOM with vulnerabilities), not a VEX statement.
    if (!analysis || typeof analysis.state !== 'string') return;
    const ids = [vuln['id'], ...arr(vuln['references']).map((r) => (r as { id?: unknown } | null)?.id)].filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.toUpperCase());
    if (!ids.length) throw new ReportError(file, 'vulnerability without an id', undefined, `${where}.id`);
    const purls: string[] = [];
    for (const a of arr(vuln['affects'])) {
      const ref = (a as { ref?: unknown } | null)?.ref;
      if (typeof ref !== 'string') continue;
      const local = ref.startsWith('urn:cdx:') && ref.includes('#') ? safeDecode(ref.slice(ref.indexOf('#') + 1)) : ref;
      const purl = refs.get(local) ?? refs.get(ref) ?? (local.startsWith('pkg:') ? local : undefined);
      if (purl) purls.push(purlCore(purl) ?? purl);
    }
    out.push({
      document: file,
      ids: [...new Set(ids)],
      purls: [...new Set(purls)],
      status: analysis.state,
      suppresses: CDX_SUPPRESS.has(analysis.state),
      ...(typeof analysis.justification === 'string' ? { justification: analysis.justification } : {}),
      ...(typeof analysis.detail === 'string' ? { detail: analysis.detail } : {}),
    });
  });
  return out;
}

type VexDoc = { file: string; format: VexUse['format']; statements: VexStatement[] };

/**
 * Suppress vulnerabilities a VEX statement declares not exploitable here. A statement applies to
 * a result when one of its ids is the result's id or alias AND one of its package URLs is the
 * result's package (a versionless purl covers every version). A statement naming no package
 * we can read matches nothing: suppressing by id alone could hide the same CVE in another package.
 * When documents disagree, the statement that does not suppress wins (fail closed). One result at
 * a time (src/policy/ledger.ts); results in any order, each judged alone.
 */
export class VexIndex {
  readonly uses: VexUse[];
  // Statements by id, so a large VEX document costs a lookup per result, not a scan.
  private readonly byId = new Map<string, { s: VexStatement; di: number; order: number }[]>();

  constructor(docs: VexDoc[]) {
    this.uses = docs.map((d) => ({ document: d.file, format: d.format, statements: d.statements.length, suppressing: d.statements.filter((s) => s.suppresses).length, applied: 0 }));
    let order = 0;
    docs.forEach((d, di) => {
      for (const s of d.statements) {
        const entry = { s, di, order: order++ };
        for (const id of s.ids) this.byId.set(id, [...(this.byId.get(id) ?? []), entry]);
      }
    });
  }

  /** Any statement to apply at all. */
  get active(): boolean {
    return this.byId.size > 0;
  }

  apply(result: Result): void {
    if (!this.byId.size || isAbsent(result)) return;
    const p = props(result);
    const purl = purlOf(result);
    if (!purl || !p.vulnerabilityId) return;
    const ids = new Set([p.vulnerabilityId, ...(p.aliases ?? [])].map((x) => x.toUpperCase()));
    const hits = [...new Set([...ids].flatMap((id) => this.byId.get(id) ?? []))].filter(({ s }) => s.purls.some((sp) => purlCovers(sp, purl))).sort((a, b) => a.order - b.order);
    if (!hits.length || hits.some(({ s }) => !s.suppresses)) return;
    const { s, di } = hits[0]!;
    this.uses[di]!.applied++;
    if (isSuppressed(result)) return;
    (result.suppressions ??= []).push(vexSuppression(s));
  }
}

function vexSuppression(s: VexStatement): Suppression {
  const why = [s.justification, s.detail].filter(Boolean).join(': ');
  return {
    kind: 'external',
    status: 'accepted',
    justification: `VEX ${s.status}${why ? ` (${why})` : ''}`,
    properties: { source: 'vex', document: s.document, status: s.status, ...(s.justification ? { justification: s.justification } : {}) },
  };
}

/** Does the statement's purl name this package? Versionless covers all versions. */
export function purlCovers(statementPurl: string, resultPurl: string): boolean {
  if (statementPurl === resultPurl) return true;
  const noVersion = (p: string) => p.replace(/@[^@/]*$/, '');
  const hasVersion = /@[^@/]*$/.test(statementPurl.slice(4));
  return !hasVersion && noVersion(resultPurl) === statementPurl;
}

function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
