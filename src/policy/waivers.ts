import type { Result, Run, Suppression } from 'sarif';
import semver from 'semver';
import { ConfigError } from '../errors.js';
import type { WaiverConfig } from '../config/sections/waivers.js';
import { isSuppressed, locationUri, props, toolName } from '../sarif/props.js';
import { anyGlob, globMatch, pathForGlob, toolMatches } from './glob.js';
import { idsOf, isAbsent, purlOf } from './match.js';
import { parseDay } from './ignore-files/common.js';

/**
 * One accepted risk, whatever wrote it: secgate.yml, .secgate-waivers.yml, or a scanner's own
 * ignore file. Every scope given must match (AND); a list inside one scope is any-of.
 */
export interface Waiver {
  /** Where it was written: "secgate.yml waivers[2]", ".trivyignore:7". */
  origin: string;
  /** secgate | trivyignore | trivyignore-yaml | grype | zap-rules */
  source: string;
  /** Ids (glob): the rule id, the vulnerability id, or one of its aliases. */
  ids?: string[];
  /** Match `ids` against the vulnerability's own id only, not its aliases (Grype without include-aliases). */
  primaryIdOnly?: boolean;
  rules?: string[];
  tools?: string[];
  /** Package URL globs (no qualifiers). */
  packages?: string[];
  /** Package name (exact, case-insensitive), for ignore files that name packages, not purls. */
  packageNames?: string[];
  /** Semver range the package version must satisfy. */
  versions?: string;
  /** Exact package versions (ignore files that pin one). */
  exactVersions?: string[];
  paths?: string[];
  urls?: string[];
  /** Regular expressions over the URL (ZAP OUTOFSCOPE). */
  urlPatterns?: RegExp[];
  /** Only results of these kinds (a .trivyignore.yaml section, say). */
  kinds?: string[];
  /** Only packages of these types (Grype's package.type: apk, npm, rpm …), compared with the result's ecosystem. */
  ecosystems?: string[];
  /** Only results whose fixState is one of these (Grype's fix-state). */
  fixStates?: string[];
  reason: string;
  /** The moment the waiver stops applying; undefined: the tool's file set none. */
  expiresAt?: Date;
  /** As written, for messages. */
  expires?: string;
  owner?: string;
  ticket?: string;
}

export type WaiverState = 'active' | 'expiring' | 'expired' | 'stale' | 'no-expiry';

export interface WaiverStatus {
  origin: string;
  source: string;
  scope: string;
  reason: string;
  expires?: string;
  owner?: string;
  ticket?: string;
  state: WaiverState;
  /** Results it suppressed (or, for an expired waiver, would have). */
  matched: number;
  daysLeft?: number;
}

export interface WaiverOptions {
  now: Date;
  maxDays: number;
  warnDays: number;
}

const DAY = 86_400_000;

/** secgate.yml waivers → Waiver. `expires` holds through that day (UTC). */
export function fromConfig(w: WaiverConfig & { origin: string }): Waiver {
  if (w.version !== undefined && !semver.validRange(w.version, { loose: true })) {
    throw new ConfigError(`${w.origin}.version: "${w.version}" is not a semver range`, 'write a range such as "<2.17.0" or ">=1.2.0 <1.3.0"');
  }
  const end = parseDay(w.expires);
  if (!end) throw new ConfigError(`${w.origin}.expires: "${w.expires}" is not a date`, 'write YYYY-MM-DD');
  return {
    origin: w.origin,
    source: 'secgate',
    ...(w.id ? { ids: [w.id] } : {}),
    ...(w.rule ? { rules: [w.rule] } : {}),
    ...(w.tool ? { tools: [w.tool] } : {}),
    ...(w.package ? { packages: [w.package] } : {}),
    ...(w.version ? { versions: w.version } : {}),
    ...(w.path ? { paths: [w.path] } : {}),
    ...(w.url ? { urls: [w.url] } : {}),
    reason: w.reason,
    expiresAt: new Date(end.getTime() + DAY),
    expires: w.expires,
    ...(w.owner ? { owner: w.owner } : {}),
    ...(w.ticket ? { ticket: w.ticket } : {}),
  };
}

/** Does the waiver's scope cover this result? (Expiry is not looked at here.) */
export function waiverCovers(w: Waiver, run: Run, result: Result): boolean {
  const p = props(result);
  if (w.ids && !anyGlob(w.ids, w.primaryIdOnly ? [p.vulnerabilityId ?? result.ruleId] : idsOf(result))) return false;
  if (w.rules && !anyGlob(w.rules, [result.ruleId])) return false;
  if (w.tools && !w.tools.some((t) => toolMatches(t, toolName(run)))) return false;
  if (w.kinds && !w.kinds.includes(String(p.kind ?? run.properties?.['kind'] ?? ''))) return false;
  if (w.packages) {
    const purl = purlOf(result);
    // "pkg:maven/org.apache.logging.log4j/*" must also cover the versioned purl …/log4j-core@2.14.1.
    if (!purl || !w.packages.some((g) => globMatch(g, purl) || globMatch(g, purl.replace(/@[^@/]*$/, '')))) return false;
  }
  if (w.packageNames && !(p.packageName && w.packageNames.some((n) => n.toLowerCase() === p.packageName!.toLowerCase()))) return false;
  if (w.versions) {
    const v = p.packageVersion && semver.coerce(p.packageVersion, { loose: true });
    // A version semver cannot read is not "inside" the range: the waiver does not apply (fail closed).
    if (!v || !semver.satisfies(v, w.versions, { loose: true, includePrerelease: true })) return false;
  }
  if (w.exactVersions && !(p.packageVersion && w.exactVersions.includes(p.packageVersion))) return false;
  if (w.paths && !anyGlob(w.paths, [pathForGlob(locationUri(result))], { caseSensitive: true })) return false;
  if (w.urls && !anyGlob(w.urls, [p.url], { caseSensitive: true })) return false;
  if (w.urlPatterns && !(p.url && w.urlPatterns.some((re) => re.test(p.url!)))) return false;
  if (w.fixStates && !(p.fixState && w.fixStates.includes(p.fixState))) return false;
  if (w.ecosystems && !(p.ecosystem && w.ecosystems.includes(p.ecosystem.toLowerCase()))) return false;
  return true;
}

export function describeWaiver(w: Waiver): string {
  const parts: string[] = [];
  if (w.ids) parts.push(`id ${w.ids.join('|')}`);
  if (w.rules) parts.push(`rule ${w.rules.join('|')}`);
  if (w.tools) parts.push(`tool ${w.tools.join('|')}`);
  if (w.kinds) parts.push(`kind ${w.kinds.join('|')}`);
  if (w.packages) parts.push(`package ${w.packages.join('|')}`);
  if (w.packageNames) parts.push(`package ${w.packageNames.join('|')}`);
  if (w.versions) parts.push(`version ${w.versions}`);
  if (w.exactVersions) parts.push(`version ${w.exactVersions.join('|')}`);
  if (w.paths) parts.push(`path ${w.paths.join('|')}`);
  if (w.urls) parts.push(`url ${w.urls.join('|')}`);
  if (w.urlPatterns) parts.push(`url ~ ${w.urlPatterns.map((r) => r.source).join('|')}`);
  if (w.fixStates) parts.push(`fix-state ${w.fixStates.join('|')}`);
  if (w.ecosystems) parts.push(`type ${w.ecosystems.join('|')}`);
  return parts.join(', ') || 'everything';
}

/**
 * Waivers applied one result at a time (src/policy/ledger.ts): the waivers are checked when it is
 * made (a ConfigError for one past waiver_max_days); `apply` marks a waived result with an accepted
 * external suppression (it keeps its place in the log); `statuses` says what became of every waiver.
 * Expired waivers never suppress. The first waiver that covers a result suppresses it; every waiver
 * that covers it counts the match (none is stale). Results can come in any order: each is judged alone.
 */
export class WaiverApplier {
  private readonly now: number;
  private readonly matched: number[];
  private readonly candidatesFor: (result: Result) => number[];

  constructor(
    private readonly waivers: readonly Waiver[],
    private readonly opts: WaiverOptions,
  ) {
    this.now = opts.now.getTime();
    for (const w of waivers) {
      if (w.source === 'secgate' && w.expiresAt && w.expiresAt.getTime() - this.now > (opts.maxDays + 1) * DAY) {
        throw new ConfigError(
          `${w.origin}: expires ${w.expires}, more than waiver_max_days (${opts.maxDays}) from today (${opts.now.toISOString().slice(0, 10)})`,
          'set an earlier expiry (and renew it when it comes due), or raise policy.waiver_max_days',
        );
      }
    }
    this.matched = new Array<number>(waivers.length).fill(0);
    this.candidatesFor = indexByLiteralId(waivers);
  }

  /** Suppress the result if a live waiver covers it; count every waiver that covers it. */
  apply(run: Run, result: Result): void {
    if (!this.waivers.length || isAbsent(result)) return;
    let suppressedHere = isSuppressed(result);
    for (const i of this.candidatesFor(result)) {
      const w = this.waivers[i]!;
      if (!waiverCovers(w, run, result)) continue;
      this.matched[i]!++;
      const expired = w.expiresAt !== undefined && w.expiresAt.getTime() <= this.now;
      if (expired || suppressedHere) continue;
      (result.suppressions ??= []).push(suppressionFor(w));
      suppressedHere = true;
    }
  }

  statuses(): WaiverStatus[] {
    return this.waivers.map((w, i) => statusOf(w, this.matched[i]!, this.opts));
  }
}

/**
 * Most waivers name literal ids (CVE-2021-44228): index those by id, so a result is checked only
 * against the waivers naming one of its ids plus the ones that use globs or no id at all.
 * Candidates come back in waiver order (the first covering waiver suppresses).
 */
function indexByLiteralId(waivers: readonly Waiver[]): (result: Result) => number[] {
  const byId = new Map<string, number[]>();
  const always: number[] = [];
  waivers.forEach((w, i) => {
    const literals = w.ids?.map(literalOf);
    if (!literals || literals.some((l) => l === undefined)) {
      always.push(i);
      return;
    }
    for (const id of new Set(literals as string[])) byId.set(id, [...(byId.get(id) ?? []), i]);
  });
  return (result) => {
    if (!byId.size) return always;
    const hits = idsOf(result).flatMap((id) => byId.get(id.toUpperCase()) ?? []);
    return hits.length ? [...new Set([...always, ...hits])].sort((a, b) => a - b) : always;
  };
}

/** A glob with no unescaped wildcard is a literal id (upper-cased: ids match case-insensitively). */
function literalOf(glob: string): string | undefined {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      out += glob[++i] ?? '';
      continue;
    }
    if ('*?[]{}()!+@'.includes(c)) return undefined;
    out += c;
  }
  return out.toUpperCase();
}

function suppressionFor(w: Waiver): Suppression {
  return {
    kind: 'external',
    status: 'accepted',
    justification: w.reason,
    properties: {
      source: 'secgate-waiver',
      origin: w.origin,
      ...(w.owner ? { owner: w.owner } : {}),
      ...(w.ticket ? { ticket: w.ticket } : {}),
      ...(w.expires ? { expires: w.expires } : {}),
    },
  };
}

function statusOf(w: Waiver, matched: number, opts: WaiverOptions): WaiverStatus {
  const now = opts.now.getTime();
  const base = {
    origin: w.origin,
    source: w.source,
    scope: describeWaiver(w),
    reason: w.reason,
    ...(w.expires ? { expires: w.expires } : {}),
    ...(w.owner ? { owner: w.owner } : {}),
    ...(w.ticket ? { ticket: w.ticket } : {}),
    matched,
  };
  if (w.expiresAt === undefined) return { ...base, state: matched ? 'no-expiry' : 'stale' };
  const left = w.expiresAt.getTime() - now;
  if (left <= 0) return { ...base, state: 'expired' };
  const daysLeft = Math.ceil(left / DAY);
  if (!matched) return { ...base, state: 'stale', daysLeft };
  return { ...base, state: daysLeft <= opts.warnDays ? 'expiring' : 'active', daysLeft };
}
