import type { Result, Run, ReportingDescriptor, Location, Suppression } from 'sarif';
import { digest } from './hash.js';
import { guardHeap } from '../io/heap-guard.js';
import { isUri, toArtifactUri } from './uri.js';
import { levelFor, maxSeverity, securitySeverity, type Severity } from './severity.js';
import type { FindingProps, ToolKind } from './props.js';
import { SpooledRuleStore, type RuleSpool } from './spooled-rules.js';

export const FINGERPRINT_KEY = 'secgate/v1';

export interface RunContext {
  /** The report the run came from, as the user named it (for the run's properties). */
  file: string;
  /** Category slug, unique per input: becomes automationDetails.id. */
  category: string;
  /** Severity for findings whose scanner gives none we understand (policy.unknown_severity). */
  unknownSeverity: Severity;
  /** Where each run's results go instead of an array (secgate check on big inputs: src/cli/spool-gate.ts). */
  sink?: SinkFactory | undefined;
}

/**
 * Takes a run's results one by one as they are built, instead of an array that holds them all
 * (the gate's ledger judges each, a spool file keeps its text). `seal` gives what becomes the run's
 * `results`.
 */
export interface ResultSink {
  add(result: Result): void;
  seal(): Result[];
  /**
   * Optional: where the run's rules are spooled (RunBuilder then keeps only each rule's number,
   * tags and severity; build() gives a SpooledRules as `tool.driver.rules`). Called once, at the start.
   */
  ruleSpool?(): RuleSpool;
}

/** A sink for a run: `header` is a stand-in run with what results are judged by (tool name, kind). */
export type SinkFactory = (header: Run) => ResultSink;

/** The stand-in run a sink is opened with. */
export function runHeader(toolName: string, kind: ToolKind): Run {
  return { tool: { driver: { name: toolName } }, properties: { kind } };
}

export interface ToolInfo {
  name: string;
  version?: string | undefined;
  informationUri?: string | undefined;
  organization?: string | undefined;
}

export interface RuleInput {
  id: string;
  name?: string | undefined;
  shortDescription?: string | undefined;
  fullDescription?: string | undefined;
  /** Plain text help (remediation, references). */
  help?: string | undefined;
  helpMarkdown?: string | undefined;
  helpUri?: string | undefined;
  tags?: string[] | undefined;
  properties?: Record<string, unknown> | undefined;
}

export interface LocationInput {
  /** File path or URL. */
  uri: string;
  startLine?: number | undefined;
  endLine?: number | undefined;
  startColumn?: number | undefined;
  endColumn?: number | undefined;
  snippet?: string | undefined;
  /** Shown as the location's message (e.g. "layer sha256:…", "transitive via express"). */
  message?: string | undefined;
  /** logicalLocations[].fullyQualifiedName (package, agent, k8s resource). */
  logicalName?: string | undefined;
  logicalKind?: string | undefined;
}

export interface FindingInput {
  ruleId: string;
  message: string;
  /** Normalised severity, or undefined when the scanner's word means "unknown". */
  severity: Severity | undefined;
  nativeSeverity?: string | undefined;
  /** A CVSS-like score; kept for security-severity only when inside the severity's band. */
  score?: number | undefined;
  location: LocationInput;
  relatedLocations?: LocationInput[] | undefined;
  /** What makes this finding the same finding next run (no line numbers): hashed into partialFingerprints. */
  identity: (string | number | undefined)[];
  kind?: ToolKind | undefined;
  tags?: string[] | undefined;
  properties?: Partial<FindingProps> | undefined;
  suppressions?: Suppression[] | undefined;
  /** SARIF rank (0–100), e.g. from a confidence. */
  rank?: number | undefined;
  /** A check that passed (a compliance control): SARIF kind "pass", level "none" — recorded, not a problem. */
  passed?: boolean | undefined;
}

/**
 * Builds one SARIF run for one tool. Adapters describe findings; the builder owns the SARIF
 * details every run must get right (rule descriptions, severities in both spellings,
 * fingerprints, locations GitHub accepts).
 */
export class RunBuilder {
  private readonly rules = new Map<string, { rule: ReportingDescriptor; severity?: Severity }>();
  private readonly results: Result[] = [];
  private readonly runProps: Record<string, unknown>;

  constructor(
    private readonly tool: ToolInfo,
    private readonly kind: ToolKind,
    private readonly ctx: RunContext,
    private readonly format: string,
  ) {
    this.runProps = { kind, source: { file: ctx.file, format } };
    this.sink = ctx.sink?.(runHeader(tool.name, kind));
    const spool = this.sink?.ruleSpool?.();
    this.ruleStore = spool ? new SpooledRuleStore(spool) : undefined;
  }
  private readonly sink: ResultSink | undefined;
  /** With a sink that spools rules: the rules' texts are there, only their late members here. */
  private readonly ruleStore: SpooledRuleStore | undefined;

  /** Whether a rule with this id was declared (an adapter can skip building a repeat's description). */
  hasRule(id: string): boolean {
    return this.ruleStore ? this.ruleStore.has(id) : this.rules.has(id);
  }

  /** Declare a rule; the first declaration of an id wins (later ones only add tags). */
  rule(r: RuleInput): void {
    const store = this.ruleStore;
    if (store?.has(r.id)) {
      if (r.tags?.length) store.addTags(r.id, r.tags);
      return;
    }
    const existing = this.rules.get(r.id);
    if (existing) {
      if (r.tags?.length) {
        const p = (existing.rule.properties ??= {});
        const tags = p.tags;
        // Most repeats bring tags the rule already has: no new arrays for them.
        if (!tags || r.tags.some((t) => !tags.includes(t))) p.tags = uniq([...(tags ?? []), ...r.tags]);
      }
      return;
    }
    // Blank after folding white space counts as absent: GitHub needs a non-empty short description.
    const short = oneLine(r.shortDescription ?? '') || oneLine(r.name ?? '') || r.id;
    const full = (r.fullDescription || short).trim() || short;
    const helpText = (r.help || full).trim() || full;
    // Built in its final key order, once (the key order is part of the output).
    const rule: ReportingDescriptor = { id: r.id };
    if (r.name) rule.name = r.name;
    rule.shortDescription = { text: truncate(short, 1024) };
    rule.fullDescription = { text: full };
    rule.help = r.helpMarkdown ? { text: helpText, markdown: r.helpMarkdown } : { text: helpText };
    // A scanner's reference that is not an absolute URI would make GitHub reject the whole upload.
    if (isUri(r.helpUri)) rule.helpUri = r.helpUri;
    // A spread, not Object.assign: an own "__proto__" key stays a plain key, as before.
    const properties: Record<string, unknown> = r.properties ? { ...r.properties } : {};
    properties['tags'] = r.tags?.length ? uniq(['security', ...r.tags]) : ['security'];
    rule.properties = properties;
    if (store) store.add(rule);
    else this.rules.set(r.id, { rule });
  }

  add(f: FindingInput): void {
    guardHeap();
    if (!this.hasRule(f.ruleId)) this.rule({ id: f.ruleId, shortDescription: f.ruleId });
    const unknown = f.severity === undefined;
    const severity = f.severity ?? this.ctx.unknownSeverity;
    // The rule's own id string (the same text): a streamed report's results then keep no copy of it.
    let ruleId: string;
    const store = this.ruleStore;
    if (store) {
      const n = store.numberOf(f.ruleId);
      store.raise(n, severity);
      ruleId = store.idOf(n);
    } else {
      const entry = this.rules.get(f.ruleId)!;
      entry.severity = entry.severity ? maxSeverity(entry.severity, severity) : severity;
      ruleId = entry.rule.id;
    }
    const kind = f.kind ?? this.kind;
    // Assignments in the order the former object spread had: a key of f.properties that repeats an
    // earlier one (severity, kind) overwrites its value in place, as the spread did; tags come last.
    const properties: Record<string, unknown> = {
      severity,
      'security-severity': securitySeverity(severity, f.score),
    };
    if (f.nativeSeverity !== undefined && f.nativeSeverity !== '') properties['nativeSeverity'] = f.nativeSeverity;
    if (unknown) properties['severityUnknown'] = true;
    properties['kind'] = kind;
    const extra = f.properties;
    if (extra) {
      for (const k in extra) {
        // "__proto__" was dropped by the former copy (its assignment set a prototype); never assign it.
        if (!Object.prototype.hasOwnProperty.call(extra, k) || k === '__proto__') continue;
        const v = (extra as Record<string, unknown>)[k];
        // Absent and empty-list properties are left out (as stripUndefined did).
        if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
        properties[k] = v;
      }
    }
    properties['tags'] = resultTags(kind, f.tags);
    const result: Result = {
      ruleId,
      level: levelFor(severity),
      message: { text: oneLineOrText(f.message) || f.ruleId },
      locations: [this.location(f.location)],
      partialFingerprints: { [FINGERPRINT_KEY]: digest([this.tool.name, f.ruleId, ...f.identity]) },
    };
    if (f.relatedLocations?.length) {
      result.relatedLocations = f.relatedLocations.map((l, i) => this.location(l, i + 1));
    }
    if (f.suppressions?.length) result.suppressions = f.suppressions;
    if (f.rank !== undefined) result.rank = f.rank;
    result.properties = properties as Result['properties'];
    if (f.passed) {
      result.kind = 'pass';
      result.level = 'none';
    }
    if (this.sink) this.sink.add(result);
    else this.results.push(result);
  }

  /**
   * toLocation, reusing the previous artifact URI when the path repeats: findings come grouped
   * by target (a lock file, an image), so consecutive ones mostly share it. Only the string is
   * shared, never an object.
   */
  private location(l: LocationInput, id?: number): Location {
    if (l.uri !== this.lastPath) {
      this.lastPath = l.uri;
      this.lastUri = toArtifactUri(l.uri);
    }
    return locationWith(l, this.lastUri, id);
  }
  private lastPath: string | undefined;
  private lastUri = '';

  /** Mark this run's scanner as failed (still a run in the log: the gate fails closed on it). */
  failed(message: string, exitCode?: number): void {
    this.failure = { message, exitCode };
  }
  private failure: { message: string; exitCode?: number | undefined } | undefined;

  /**
   * Something the scanner reported about its own run that is not a finding (a resource it could
   * not scan): kept on the invocation, so it is visible, without failing the run.
   */
  notify(level: 'error' | 'warning' | 'note', message: string): void {
    this.notifications.push({ level, message: { text: message } });
  }
  private readonly notifications: { level: 'error' | 'warning' | 'note'; message: { text: string } }[] = [];

  setProperty(key: string, value: unknown): void {
    this.runProps[key] = value;
  }

  build(): Run {
    const rules = this.ruleStore ? (this.ruleStore.seal() as unknown as ReportingDescriptor[]) : [...this.rules.values()].map(({ rule, severity }) => {
      if (severity) {
        // Assigned on the rule's own properties object (made by rule(), never shared): same keys,
        // same order as the copy this used to make.
        const p = (rule.properties ??= {});
        p['security-severity'] = securitySeverity(severity);
        p['severity'] = severity;
      }
      return rule;
    });
    return {
      tool: {
        driver: {
          name: this.tool.name,
          ...(this.tool.version ? { version: this.tool.version } : {}),
          ...(this.tool.organization ? { organization: this.tool.organization } : {}),
          ...(isUri(this.tool.informationUri) ? { informationUri: this.tool.informationUri } : {}),
          rules,
        },
      },
      automationDetails: { id: `${this.ctx.category}/` },
      invocations: [
        this.failure
          ? {
              executionSuccessful: false,
              ...(this.failure.exitCode !== undefined ? { exitCode: this.failure.exitCode } : {}),
              toolExecutionNotifications: [{ level: 'error', message: { text: this.failure.message } }, ...this.notifications],
            }
          : { executionSuccessful: true, ...(this.notifications.length ? { toolExecutionNotifications: this.notifications } : {}) },
      ],
      results: this.sink ? this.sink.seal() : this.results,
      properties: this.runProps,
    };
  }
}

export function toLocation(l: LocationInput): Location {
  return locationWith(l, toArtifactUri(l.uri));
}

/** A location with its artifact URI already encoded; `id` (relatedLocations) comes first. */
function locationWith(l: LocationInput, uri: string, id?: number): Location {
  const physicalLocation: Location['physicalLocation'] = { artifactLocation: { uri } };
  const start = l.startLine;
  if (start !== undefined && Number.isInteger(start) && start >= 1) {
    const region: NonNullable<NonNullable<Location['physicalLocation']>['region']> = { startLine: start };
    const { endLine, startColumn, endColumn } = l;
    if (endLine !== undefined && Number.isInteger(endLine) && endLine >= start) region.endLine = endLine;
    if (startColumn !== undefined && Number.isInteger(startColumn) && startColumn >= 1) region.startColumn = startColumn;
    if (endColumn !== undefined && Number.isInteger(endColumn) && endColumn >= 1 && (startColumn === undefined || endColumn >= startColumn)) region.endColumn = endColumn;
    if (l.snippet) region.snippet = { text: l.snippet };
    physicalLocation.region = region;
  }
  const loc: Location = id === undefined ? { physicalLocation } : { id, physicalLocation };
  if (l.message) loc.message = { text: l.message };
  if (l.logicalName) loc.logicalLocations = [l.logicalKind ? { fullyQualifiedName: l.logicalName, kind: l.logicalKind } : { fullyQualifiedName: l.logicalName }];
  return loc;
}

/**
 * uniq(['security', kind, ...tags]) without the copies in the common case (no extra tags). A new
 * array for each result, never a shared one: redaction (runners/redact.ts) rewrites the strings of
 * a run in place, arrays included.
 */
function resultTags(kind: string, tags: readonly string[] | undefined): string[] {
  if (!tags?.length) return kind === 'security' ? ['security'] : ['security', kind];
  return uniq(['security', kind, ...tags]);
}

export function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function oneLine(s: string): string {
  // The replace only when there is something to fold (a tab, a newline, two spaces, U+00A0…).
  return FOLDABLE.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
}
const FOLDABLE = /[^\S ]| {2}/;

function oneLineOrText(s: string): string {
  return s.trim();
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
