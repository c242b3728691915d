import type { ReportingDescriptor } from 'sarif';
import { grown } from '../io/grown.js';
import { securitySeverity, SEVERITIES, type Severity } from './severity.js';
import { withMembers } from './spooled-types.js';

/**
 * Where RunBuilder spools a run's rules (a SpoolSegment, src/io/result-spool.ts, fits): one compact
 * JSON text per rule, read back in order. `rule` is the object the text was made from, for a check
 * before it is written (the gate validates each rule as it validates each result).
 */
export interface RuleSpool {
  append(text: string, rule: ReportingDescriptor): number;
  seal(): void;
  lines(from?: number, to?: number): Iterable<string>;
  line(i: number): string;
}

/**
 * A run's `tool.driver.rules` when the rules live in a spool (spooled `secgate check`: Grype and
 * Trivy name one rule per CVE, ~1 KB each). Cast to ReportingDescriptor[] on the run, like spooled
 * results; the writer, fitGithubLimits and the validator read it through this interface, and readers
 * of one rule find it by index or id (`at`, `indexOf`; src/report/findings.ts ruleReader). Indexes are relative to this object (a view keeps some of a run's rules).
 */
export interface SpooledRules {
  readonly spooled: true;
  /** Tells it apart from SpooledResults. */
  readonly rules: true;
  readonly length: number;
  readonly count: number;
  idAt(i: number): string;
  /**
   * The index of the first rule with this id, -1 when none: a reader that finds a result's rule by
   * id (results without ruleIndex) gets one rule (`at`) without reading them all.
   */
  indexOf(id: string): number;
  /** The rule's tags as they will be written (cut when the view cuts them). */
  tagsAt(i: number): readonly string[];
  /** The texts of rules `indices` (all when absent; in the order given, ascending reads fastest), compact, complete. */
  texts(indices?: readonly number[]): Iterable<string>;
  at(i: number): ReportingDescriptor;
  /** Rules `indices` of this one (all when absent), their tags cut to `maxTags` when given. */
  view(indices: readonly number[] | undefined, maxTags?: number): SpooledRules;
  [Symbol.iterator](): Iterator<ReportingDescriptor>;
}

export function isSpooledRules(x: unknown): x is SpooledRules {
  return typeof x === 'object' && x !== null && (x as { spooled?: unknown }).spooled === true && (x as { rules?: unknown }).rules === true;
}

/** The members of a rule's properties the spool text leaves out: decided after the rule is declared. */
const LATE_KEYS = ['tags', 'security-severity', 'severity'] as const;
const DEFAULT_TAGS: readonly string[] = Object.freeze(['security']);

/**
 * What RunBuilder keeps of a run's rules when they are spooled: id → number, each rule's tags, the
 * highest severity of its results (a byte), and — for the rare
 * rule whose own properties carried `security-severity`/`severity` — those values (written when no
 * result raised a severity, as the in-memory rule keeps them).
 */
export class SpooledRuleStore {
  private readonly numbers = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly tags: (readonly string[])[] = [];
  private severities = new Uint8Array(1024);
  private readonly own = new Map<number, { ss?: unknown; sev?: unknown; hasSs: boolean; hasSev: boolean }>();
  private sealed = false;

  constructor(private readonly spool: RuleSpool) {}

  has(id: string): boolean {
    return this.numbers.has(id);
  }

  /** A new rule, built as the in-memory path builds it (`rule.properties.tags` set): its late members are kept here. */
  add(rule: ReportingDescriptor): void {
    const props = (rule.properties ?? {}) as Record<string, unknown>;
    const n = this.ids.length;
    const tags = props['tags'] as string[];
    const copy: Record<string, unknown> = { ...props };
    for (const k of LATE_KEYS) delete copy[k];
    if (Object.prototype.hasOwnProperty.call(props, 'security-severity') || Object.prototype.hasOwnProperty.call(props, 'severity')) {
      this.own.set(n, { ss: props['security-severity'], sev: props['severity'], hasSs: Object.prototype.hasOwnProperty.call(props, 'security-severity'), hasSev: Object.prototype.hasOwnProperty.call(props, 'severity') });
    }
    // properties is the rule's last member (builder.ts): the text ends with its closing brace, then the rule's.
    const text = JSON.stringify({ ...rule, properties: copy });
    this.spool.append(text, rule);
    this.severities = grown(this.severities, n);
    this.numbers.set(rule.id, n);
    this.ids.push(rule.id);
    this.tags.push(this.shared(tags));
  }

  /**
   * One frozen array per distinct tag list: Grype's and Trivy's ~100k rules have a few dozen lists
   * (["security", "vulnerability", "external/cwe/cwe-79"]…), each otherwise its own array and strings.
   */
  private shared(tags: readonly string[]): readonly string[] {
    if (tags.length === 1 && tags[0] === 'security') return DEFAULT_TAGS;
    const key = tags.join('\u0000');
    let list = this.tagLists.get(key);
    if (!list) {
      list = Object.freeze([...tags]);
      // A bound on the table: past it a list is kept as it is (still correct, only not shared).
      if (this.tagLists.size < 65_536) this.tagLists.set(key, list);
    }
    return list;
  }
  private readonly tagLists = new Map<string, readonly string[]>();

  /** A later declaration's tags (uniq, appended), as RunBuilder.rule does in memory. */
  addTags(id: string, more: readonly string[]): void {
    const n = this.numbers.get(id)!;
    const tags = this.tags[n]!;
    if (more.some((t) => !tags.includes(t))) this.tags[n] = this.shared([...new Set([...tags, ...more])]);
  }

  /** RunBuilder.add: rule n's severity is at least `s` (the highest of its results). */
  raise(n: number, s: Severity): void {
    const code = SEVERITIES.indexOf(s) + 1;
    const before = this.severities[n]!;
    // Codes follow SEVERITIES (critical first): a lower non-zero code is a higher severity.
    if (!before || code < before) this.severities[n] = code;
  }

  seal(): SpooledRules {
    if (!this.sealed) {
      this.spool.seal();
      this.sealed = true;
    }
    return new SpooledRuleView(this, undefined, undefined);
  }

  get count(): number {
    return this.ids.length;
  }

  /** The number of a declared rule. */
  numberOf(id: string): number {
    return this.numbers.get(id)!;
  }

  /** @internal the number of rule `id`, -1 when none (ids are declared once). */ find(id: string): number {
    return this.numbers.get(id) ?? -1;
  }

  /** @internal */ idOf(n: number): string {
    return this.ids[n]!;
  }

  /** @internal */ tagsOf(n: number): readonly string[] {
    return this.tags[n]!;
  }

  /** @internal the spooled text of rule n with its late members written in. */
  complete(n: number, text: string, maxTags: number | undefined): string {
    let tags = this.tags[n]!;
    if (maxTags !== undefined && tags.length > maxTags) tags = tags.slice(0, maxTags);
    let tail = `"tags":${JSON.stringify(tags)}`;
    const code = this.severities[n]!;
    if (code) {
      const s = SEVERITIES[code - 1]!;
      tail += `,"security-severity":${JSON.stringify(securitySeverity(s))},"severity":${JSON.stringify(s)}`;
    } else {
      const own = this.own.get(n);
      if (own?.hasSs && own.ss !== undefined) tail += `,"security-severity":${JSON.stringify(own.ss)}`;
      if (own?.hasSev && own.sev !== undefined) tail += `,"severity":${JSON.stringify(own.sev)}`;
    }
    // properties is the rule's last member: the members go into it, before the rule's own closing brace.
    return `${withMembers(text.slice(0, -1), tail)}}`;
  }

  /** @internal texts of rules `ns` (ascending runs read as one block). */
  *textsOf(ns: readonly number[] | undefined, maxTags: number | undefined): Generator<string, void, undefined> {
    if (!ns) {
      let n = 0;
      for (const line of this.spool.lines(0, this.ids.length)) yield this.complete(n, line, maxTags), n++;
      return;
    }
    for (let k = 0; k < ns.length; ) {
      let j = k + 1;
      while (j < ns.length && ns[j] === ns[j - 1]! + 1) j++;
      let n = ns[k]!;
      for (const line of this.spool.lines(n, ns[j - 1]! + 1)) yield this.complete(n, line, maxTags), n++;
      k = j;
    }
  }

  /** @internal */ textOf(n: number, maxTags: number | undefined): string {
    return this.complete(n, this.spool.line(n), maxTags);
  }
}

/** Rules of a store: all, or those at `indices` (store numbers), tags cut to `maxTags` when given. */
class SpooledRuleView implements SpooledRules {
  readonly spooled = true as const;
  readonly rules = true as const;
  constructor(
    private readonly store: SpooledRuleStore,
    private readonly indices: readonly number[] | undefined,
    private readonly maxTags: number | undefined,
  ) {}

  get count(): number {
    return this.indices ? this.indices.length : this.store.count;
  }

  get length(): number {
    return this.count;
  }

  idAt(i: number): string {
    return this.store.idOf(this.n(i));
  }

  indexOf(id: string): number {
    if (!this.indices) return this.store.find(id);
    // A view's index of each id, made on first use: a view keeps some rules, in its own order.
    if (!this.byId) {
      this.byId = new Map();
      for (let i = 0; i < this.indices.length; i++) {
        const key = this.store.idOf(this.indices[i]!);
        if (!this.byId.has(key)) this.byId.set(key, i);
      }
    }
    return this.byId.get(id) ?? -1;
  }
  private byId: Map<string, number> | undefined;

  tagsAt(i: number): readonly string[] {
    const tags = this.store.tagsOf(this.n(i));
    return this.maxTags !== undefined && tags.length > this.maxTags ? tags.slice(0, this.maxTags) : tags;
  }

  texts(indices?: readonly number[]): Iterable<string> {
    return this.store.textsOf(indices ? indices.map((i) => this.n(i)) : this.indices, this.maxTags);
  }

  at(i: number): ReportingDescriptor {
    return JSON.parse(this.store.textOf(this.n(i), this.maxTags)) as ReportingDescriptor;
  }

  view(indices: readonly number[] | undefined, maxTags?: number): SpooledRules {
    const ns = indices ? indices.map((i) => this.n(i)) : this.indices;
    const cut = maxTags === undefined ? this.maxTags : this.maxTags === undefined ? maxTags : Math.min(maxTags, this.maxTags);
    return new SpooledRuleView(this.store, ns, cut);
  }

  *[Symbol.iterator](): Generator<ReportingDescriptor, void, undefined> {
    for (const text of this.texts()) yield JSON.parse(text) as ReportingDescriptor;
  }

  private n(i: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`spooled rule ${i} out of 0 … ${this.count - 1}`);
    return this.indices ? this.indices[i]! : i;
  }
}
