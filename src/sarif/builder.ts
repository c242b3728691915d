import type { Result, Run, ReportingDescriptor, Location, Suppression } from 'sarif';
import { digest } from './hash.js';
import { isUri, toArtifactUri } from './uri.js';
import { levelFor, maxSeverity, securitySeverity, type Severity } from './severity.js';
import type { FindingProps, ToolKind } from './props.js';

export const FINGERPRINT_KEY = 'secgate/v1';

export interface RunContext {
  /** The report the run came from, as the user named it (for the run's properties). */
  file: string;
  /** Category slug, unique per input: becomes automationDetails.id. */
  category: string;
  /** Severity for findings whose scanner gives none we understand (policy.unknown_severity). */
  unknownSeverity: Severity;
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
  }

  /** Declare a rule; the first declaration of an id wins (later ones only add tags). */
  rule(r: RuleInput): void {
    const existing = this.rules.get(r.id);
    if (existing) {
      if (r.tags?.length) {
        const p = (existing.rule.properties ??= {});
        p.tags = uniq([...(p.tags ?? []), ...r.tags]);
      }
      return;
    }
    // Blank after folding white space counts as absent: GitHub needs a non-empty short description.
    const short = oneLine(r.shortDescription ?? '') || oneLine(r.name ?? '') || r.id;
    const full = (r.fullDescription || short).trim() || short;
    const helpText = (r.help || full).trim() || full;
    const rule: ReportingDescriptor = {
      id: r.id,
      ...(r.name ? { name: r.name } : {}),
      shortDescription: { text: truncate(short, 1024) },
      fullDescription: { text: full },
      help: { text: helpText, ...(r.helpMarkdown ? { markdown: r.helpMarkdown } : {}) },
      // A scanner's reference that is not an absolute URI would make GitHub reject the whole upload.
      ...(isUri(r.helpUri) ? { helpUri: r.helpUri } : {}),
      properties: { ...(r.properties ?? {}), tags: uniq(['security', ...(r.tags ?? [])]) },
    };
    this.rules.set(r.id, { rule });
  }

  add(f: FindingInput): void {
    if (!this.rules.has(f.ruleId)) this.rule({ id: f.ruleId, shortDescription: f.ruleId });
    const entry = this.rules.get(f.ruleId)!;
    const unknown = f.severity === undefined;
    const severity = f.severity ?? this.ctx.unknownSeverity;
    entry.severity = entry.severity ? maxSeverity(entry.severity, severity) : severity;
    const kind = f.kind ?? this.kind;
    const properties: Partial<FindingProps> = {
      severity,
      'security-severity': securitySeverity(severity, f.score),
      ...(f.nativeSeverity !== undefined && f.nativeSeverity !== '' ? { nativeSeverity: f.nativeSeverity } : {}),
      ...(unknown ? { severityUnknown: true } : {}),
      kind,
      ...stripUndefined(f.properties ?? {}),
      tags: uniq(['security', kind, ...(f.tags ?? [])]),
    };
    const result: Result = {
      ruleId: f.ruleId,
      level: levelFor(severity),
      message: { text: oneLineOrText(f.message) || f.ruleId },
      locations: [toLocation(f.location)],
      partialFingerprints: { [FINGERPRINT_KEY]: digest([this.tool.name, f.ruleId, ...f.identity]) },
      ...(f.relatedLocations?.length
        ? { relatedLocations: f.relatedLocations.map((l, i) => ({ id: i + 1, ...toLocation(l) })) }
        : {}),
      ...(f.suppressions?.length ? { suppressions: f.suppressions } : {}),
      ...(f.rank !== undefined ? { rank: f.rank } : {}),
      properties,
    };
    this.results.push(result);
  }

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
    const rules = [...this.rules.values()].map(({ rule, severity }) => {
      if (severity) {
        rule.properties = {
          ...rule.properties,
          'security-severity': securitySeverity(severity),
          severity,
        };
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
      results: this.results,
      properties: this.runProps,
    };
  }
}

export function toLocation(l: LocationInput): Location {
  const region =
    l.startLine !== undefined && Number.isInteger(l.startLine) && l.startLine >= 1
      ? {
          startLine: l.startLine,
          ...(l.endLine !== undefined && Number.isInteger(l.endLine) && l.endLine >= l.startLine ? { endLine: l.endLine } : {}),
          ...(l.startColumn !== undefined && Number.isInteger(l.startColumn) && l.startColumn >= 1 ? { startColumn: l.startColumn } : {}),
          ...(l.endColumn !== undefined && Number.isInteger(l.endColumn) && l.endColumn >= 1 && (l.startColumn === undefined || l.endColumn >= l.startColumn) ? { endColumn: l.endColumn } : {}),
          ...(l.snippet ? { snippet: { text: l.snippet } } : {}),
        }
      : undefined;
  return {
    physicalLocation: {
      artifactLocation: { uri: toArtifactUri(l.uri) },
      ...(region ? { region } : {}),
    },
    ...(l.message ? { message: { text: l.message } } : {}),
    ...(l.logicalName
      ? { logicalLocations: [{ fullyQualifiedName: l.logicalName, ...(l.logicalKind ? { kind: l.logicalKind } : {}) }] }
      : {}),
  };
}

export function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function oneLineOrText(s: string): string {
  return s.trim();
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}
