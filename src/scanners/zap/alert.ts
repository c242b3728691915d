import type { Run, Suppression } from 'sarif';
import { stableUrl } from '../../sarif/uri.js';
import { RunBuilder } from '../../sarif/builder.js';
import type { Severity } from '../../sarif/severity.js';
import { toWellFormed } from '../../text/escape.js';
import { htmlToText, plainText } from '../../text/html-to-text.js';
import type { AdapterContext } from '../types.js';

// Kept exported here too: the URL identity was born in this adapter.
export { stableUrl };

/**
 * One ZAP alert as every ZAP output form describes it, and its mapping to SARIF. The format
 * files (traditional JSON/XML, the API's alert list) only read their shape into this; the
 * meaning lives here once.
 *
 * ZAP's scales (https://www.zaproxy.org/docs/constants/): risk 0 Informational, 1 Low,
 * 2 Medium, 3 High; confidence 0 False Positive, 1 Low, 2 Medium, 3 High, 4 Confirmed
 * (user set). Confidence becomes SARIF `rank` (0–100, higher = more likely a real problem):
 * Confirmed 100, High 90, Medium 60, Low 30, False Positive 0 — and a false positive is
 * kept as a suppressed result, never dropped.
 */
export interface ZapInstance {
  uri: string;
  method?: string | undefined;
  param?: string | undefined;
  attack?: string | undefined;
  evidence?: string | undefined;
  /** Plain text (instances carry ZAP's raw other-info, not HTML). */
  otherinfo?: string | undefined;
  nodeName?: string | undefined;
  inputVector?: string | undefined;
  /** ZAP's alert id (traditional JSON `id`, API `id`), for cross-reference only. */
  alertId?: string | undefined;
  messageId?: string | undefined;
  /** From the response header of the -plus reports ("200"); headers themselves are never kept (cookies, tokens). */
  responseStatus?: string | undefined;
}

export interface ZapAlert {
  pluginId: string;
  alertRef?: string | undefined;
  name: string;
  /** 0–3, or undefined when the report's value is not one ZAP documents. */
  risk: number | undefined;
  nativeRisk: string | undefined;
  confidence: number | undefined;
  description?: string | undefined;
  solution?: string | undefined;
  reference?: string | undefined;
  otherinfo?: string | undefined;
  /** Whether description/solution/reference/otherinfo are HTML (traditional reports) or plain text (API, XML-plus). */
  html: boolean;
  cweid?: string | undefined;
  wascid?: string | undefined;
  systemic?: boolean | undefined;
  /** ZAP alert tags (OWASP_2021_A03 → link). */
  tags?: Record<string, string> | undefined;
  site?: string | undefined;
  instances: ZapInstance[];
}

export const RISK_WORDS = ['Informational', 'Low', 'Medium', 'High'] as const;
export const CONFIDENCE_WORDS = ['False Positive', 'Low', 'Medium', 'High', 'Confirmed'] as const;
const SEVERITY_OF_RISK: readonly Severity[] = ['info', 'low', 'medium', 'high'];
/** Confidence 0–4 → SARIF rank. */
export const RANK_OF_CONFIDENCE: readonly number[] = [0, 30, 60, 90, 100];

/** Longest hostile text kept per property (evidence can be a whole response body). */
const MAX_TEXT = 4000;

export function severityOfRisk(risk: number | undefined): Severity | undefined {
  return risk !== undefined ? SEVERITY_OF_RISK[risk] : undefined;
}

/** A risk or confidence code ZAP documents (0…words.length-1), or undefined. */
export function zapCode(x: number | undefined, words: readonly string[]): number | undefined {
  if (x === undefined || !Number.isInteger(x) || x < 0 || x >= words.length) return undefined;
  return x;
}

/** ZAP's word for a code ("High", "False Positive", any case) or the code as digits → the code; undefined otherwise. */
export function codeOfWord(word: string | undefined, words: readonly string[]): number | undefined {
  if (word === undefined) return undefined;
  const w = word.trim().toLowerCase();
  const i = words.findIndex((x) => x.toLowerCase() === w);
  if (i >= 0) return i;
  if (/^\d+$/.test(w)) return zapCode(Number(w), words);
  return undefined;
}

export function zapBuilder(ctx: AdapterContext, format: string, programName: string | undefined, version: string | undefined): RunBuilder {
  return new RunBuilder(
    { name: programName?.trim() || 'ZAP', version: version?.trim() || undefined, informationUri: 'https://www.zaproxy.org/' },
    'dast',
    ctx,
    format,
  );
}

/** Rule id: the plugin id, or the alertRef when it names a variant of the plugin ("10202-1"). */
export function ruleIdOf(pluginId: string, alertRef: string | undefined): string {
  const ref = alertRef?.trim();
  if (!ref || ref === pluginId) return pluginId;
  return ref.startsWith(`${pluginId}-`) ? ref : `${pluginId}-${ref}`;
}

/** Adds one alert: one result per instance (one for an alert with none). `seen` de-duplicates fingerprints within a run. */
export function addAlert(b: RunBuilder, a: ZapAlert, seen: Map<string, number>): void {
  const ruleId = ruleIdOf(a.pluginId, a.alertRef);
  const text = (s: string | undefined) => (s ? (a.html ? htmlToText(s) : plainText(s)) : '');
  const description = text(a.description);
  const solution = text(a.solution);
  const reference = text(a.reference);
  const cwe = positiveId(a.cweid);
  const wasc = positiveId(a.wascid);
  const cweTags = cwe ? [`CWE-${cwe}`, `external/cwe/cwe-${cwe}`] : [];
  const tags = [...cweTags, ...(wasc ? [`WASC-${wasc}`] : [])];
  b.rule({
    id: ruleId,
    name: pascalName(a.name),
    shortDescription: a.name,
    fullDescription: description || a.name,
    help: [description, solution && `Solution:\n${solution}`, reference && `References:\n${reference}`].filter(Boolean).join('\n\n'),
    helpUri: /^[0-9]+(-[0-9]+)?$/.test(ruleId) ? `https://www.zaproxy.org/docs/alerts/${ruleId}/` : undefined,
    tags,
    properties: {
      pluginId: a.pluginId,
      ...(a.alertRef ? { alertRef: a.alertRef } : {}),
      ...(cwe ? { cwe: [`CWE-${cwe}`] } : {}),
      ...(wasc ? { wasc: `WASC-${wasc}` } : {}),
      ...(a.tags && Object.keys(a.tags).length ? { zapTags: a.tags } : {}),
    },
  });

  const severity = severityOfRisk(a.risk);
  const riskWord = a.risk !== undefined ? RISK_WORDS[a.risk] : a.nativeRisk;
  const confWord = a.confidence !== undefined ? CONFIDENCE_WORDS[a.confidence] : undefined;
  const suppressed: Suppression | undefined =
    a.confidence === 0
      ? { kind: 'external', status: 'accepted', justification: 'marked as a false positive in ZAP (confidence 0)', properties: { source: 'zap' } }
      : undefined;
  const alertOther = text(a.otherinfo);
  // What every instance of the alert shares is computed once, here; per instance only what differs.
  const heading = `${oneLine(a.name)} (${riskWord ?? 'unknown risk'}${confWord ? `, confidence ${confWord}` : ''}) at `;
  const noInstances = a.instances.length ? '' : ' (the report lists no instances)';
  const rank = a.confidence !== undefined ? RANK_OF_CONFIDENCE[a.confidence] : undefined;
  const wascProp = wasc ? `WASC-${wasc}` : undefined;
  const instances = a.instances.length ? a.instances : [undefined];
  for (const inst of instances) {
    const facts = urlFacts(inst?.uri || a.site || '');
    const { url, stable } = facts;
    const method = inst?.method || undefined;
    const param = inst?.param || undefined;
    const key = `${ruleId}\n${stable}\n${method ?? ''}\n${param ?? ''}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const where = (method ? (facts.line ? `${method} ${facts.line}` : method) : facts.line) || 'the scanned site';
    b.add({
      ruleId,
      message: `${heading}${where}${param ? ` in parameter "${oneLine(param)}"` : ''}${noInstances}`,
      severity,
      nativeSeverity: riskWord,
      // ZAP's URL is the location: GitHub's upload rules accept an absolute URI here (checked
      // with sarif-multitool's Gh rules); the full URL is also kept in properties.url.
      location: { uri: facts.reference, logicalName: inst?.nodeName || undefined, logicalKind: inst?.nodeName ? 'resource' : undefined },
      identity: ['zap', stable, method, param, n > 1 ? `#${n}` : undefined],
      tags,
      rank,
      properties: {
        url: url || undefined,
        method,
        param,
        attack: cap(inst?.attack),
        // Evidence is hostile text (a response fragment): kept verbatim as data, never rendered.
        evidence: cap(inst?.evidence),
        otherinfo: cap(inst?.otherinfo ? plainText(inst.otherinfo) : alertOther || undefined),
        confidence: confWord,
        // Absent values are undefined, not spread in: the builder leaves undefined out (one object per instance, not ten).
        cwe: cwe ? [`CWE-${cwe}`] : undefined,
        wasc: wascProp,
        systemic: a.systemic,
        nodeName: inst?.nodeName || undefined,
        inputVector: inst?.inputVector || undefined,
        zapAlertId: inst?.alertId && inst.alertId !== '-1' ? inst.alertId : undefined,
        zapMessageId: inst?.messageId || undefined,
        responseStatus: inst?.responseStatus || undefined,
        site: a.site || undefined,
      },
      suppressions: suppressed ? [suppressed] : undefined,
    });
  }
}

/** What an instance's URL gives: the URL less user info, its identity, its location URI, its one-line form. */
interface UrlFacts {
  url: string;
  stable: string;
  reference: string;
  line: string;
}

/** Exported for the test that it agrees with stableUrl and uriReference called one by one. */
export function urlFacts(raw: string): UrlFacts {
  const url = withoutUserinfo(raw);
  // stableUrl parses the URL as it is, uriReference trimmed and well-formed: one parse serves both when those are the same string.
  const same = url !== '' && url.trim() === url && toWellFormed(url) === url;
  let parsed: URL | undefined;
  if (same) {
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
  }
  return {
    url,
    stable: parsed ? stableOf(parsed) : stableUrl(url),
    reference: url ? (parsed ? referenceOf(url, parsed) : uriReference(url)) : '.',
    line: oneLine(url),
  };
}

/** stableUrl (src/sarif/uri.ts) of an already parsed URL. */
function stableOf(u: URL): string {
  const names = [...new Set([...u.searchParams.keys()])].sort();
  return `${u.protocol}//${u.host}${u.pathname}${names.length ? `?${names.join('&')}` : ''}`;
}

/**
 * A URL as a valid RFC 3986 URI reference: ZAP reports the URL as requested, which can hold a
 * stray `%` (`/templates/<%=baseUrl%>`), brackets or a second `#` that WHATWG URL serialisation
 * leaves as they are. User info (`user:password@`) is dropped: it is a credential.
 */
export function uriReference(url: string): string {
  const raw = toWellFormed(url.trim()); // a lone surrogate cannot be percent-encoded
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    // not absolute: the whole string is made a valid reference below
  }
  return referenceOf(raw, u);
}

/** uriReference of a trimmed, well-formed string and its parsed URL (undefined: not absolute). */
function referenceOf(raw: string, u: URL | undefined): string {
  let authority = '';
  let rest = raw;
  if (u?.host) {
    authority = `${u.protocol}//${u.host}`;
    rest = `${u.pathname}${u.search}${u.hash}`;
  }
  const hash = rest.indexOf('#');
  const enc = (s: string) => s.replace(/%(?![0-9A-Fa-f]{2})/g, '%25').replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/gu, (c) => encodeURIComponent(toWellFormed(c)));
  return authority + (hash < 0 ? enc(rest) : `${enc(rest.slice(0, hash))}#${enc(rest.slice(hash + 1))}`);
}

/** The URL as ZAP reported it, less any user info (a credential). */
export function withoutUserinfo(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) return url;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

/** "200" from "HTTP/1.1 200 OK\r\n…"; the rest of the headers is deliberately not kept. */
export function statusOf(responseHeader: string | undefined): string | undefined {
  const m = /^HTTP\/[0-9.]+ +([0-9]{3})\b/.exec(responseHeader ?? '');
  return m ? m[1] : undefined;
}

export function finish(b: RunBuilder, props: Record<string, unknown>): Run {
  for (const [k, v] of Object.entries(props)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) b.setProperty(k, v);
  return b.build();
}

function positiveId(id: string | undefined): string | undefined {
  const t = id?.trim();
  return t && /^[0-9]+$/.test(t) && Number(t) > 0 ? String(Number(t)) : undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cap(s: string | undefined): string | undefined {
  if (!s) return undefined;
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

/** SARIF's rule `name` is meant to be an identifier-like word ("CrossSiteScriptingReflected"). */
function pascalName(name: string): string | undefined {
  const out = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return out || undefined;
}
