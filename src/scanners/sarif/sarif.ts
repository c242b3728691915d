import type { Log, Result, Run, ReportingDescriptor } from 'sarif';
import toolKinds from '../../../rules/tool-kinds.json' with { type: 'json' };
import { FINGERPRINT_KEY, runHeader, uniq } from '../../sarif/builder.js';
import { digest } from '../../sarif/hash.js';
import { TOOL_KINDS, type FindingProps, type ToolKind } from '../../sarif/props.js';
import { isSeverity, levelFor, parseSeverityLabel, securitySeverity, severityFromLevel, severityFromScore, maxSeverity, type Severity } from '../../sarif/severity.js';
import { arr, isObj, obj, optArr, ShapeError, str } from '../shape.js';
import { isUri, isUriReference } from '../../sarif/uri.js';
import { toWellFormed } from '../../text/escape.js';
import { checkInputRun, checkOutputRun } from './input-shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { isLazyArray } from '../lazy-array.js';
import { guardHeap } from '../../io/heap-guard.js';

/**
 * SARIF 2.1.0 from any tool (Semgrep, CodeQL, gitleaks, Grype's/Trivy's/ZAP's own SARIF…).
 * Runs are kept as they are — rules, locations, fingerprints, suppressions — and only
 * completed: a normalised severity and GitHub's security-severity on every result, a level
 * that matches it, a location on every result, descriptions on every rule, a stable
 * fingerprint where the tool gave none. The parsed document is completed in place (it is
 * the reader's own copy; cloning a 200,000-result log would double the memory).
 */
export const sarifLog: Adapter = {
  id: 'sarif',
  title: 'SARIF 2.1.0',
  kind: 'sast',
  input: 'json',
  detect(doc) {
    return isObj(doc) && (Array.isArray(doc['runs']) || isLazyArray(doc['runs'])) && (doc['version'] === '2.1.0' || String(doc['$schema'] ?? '').includes('sarif'));
  },
  toRuns(doc, ctx) {
    const d = obj(doc, '$');
    if (d['version'] !== '2.1.0') throw new ShapeError('$.version', `expected SARIF version "2.1.0", found ${JSON.stringify(d['version'])}`);
    if (isLazyArray(d['runs'])) {
      // A log past the string limit (src/io/json-large.ts): each big run comes with its small
      // members read and its results lazy, so all runs can be held (the automation id needs their count).
      const runs = [...d['runs']];
      return runs.map((r, i) => normaliseRun(materialiseRun(obj(r, `$.runs[${i}]`)), `$.runs[${i}]`, ctx, i, runs.length));
    }
    const runs = arr(d['runs'], '$.runs');
    return runs.map((r, i) => normaliseRun(obj(r, `$.runs[${i}]`) as unknown as Run, `$.runs[${i}]`, ctx, i, runs.length));
  },
};

/**
 * A streamed run: every member but `results` is read into memory (json-large makes any big array
 * lazy); `results` stays lazy and is read result by result by normaliseRun.
 */
function materialiseRun(run: Record<string, unknown>): Run {
  for (const [k, v] of Object.entries(run)) if (k !== 'results' && isLazyArray(v)) run[k] = [...v];
  return run as unknown as Run;
}

/** The minimal run each streamed result is checked inside (the input-shape validator checks runs). */
const PROBE_TOOL = { driver: { name: 'probe' } };

const KINDS = toolKinds as Record<string, string>;

function kindForTool(name: string, run: Run): ToolKind {
  const declared = run.properties?.['kind'];
  if (typeof declared === 'string' && (TOOL_KINDS as readonly string[]).includes(declared)) return declared as ToolKind;
  const k = KINDS[name.toLowerCase()];
  return k && (TOOL_KINDS as readonly string[]).includes(k) ? (k as ToolKind) : 'sast';
}

function normaliseRun(run: Run, path: string, ctx: AdapterContext, index: number, count: number): Run {
  const lazy = isLazyArray(run.results) ? run.results : undefined;
  if (lazy) {
    // The run without its results now; each result alone as it is read (below).
    run.results = [];
    checkInputRun(run, path);
  } else checkInputRun(run, path);
  const driver = obj(obj(run.tool, `${path}.tool`).driver, `${path}.tool.driver`);
  const name = str(driver['name'], `${path}.tool.driver.name`);
  const kind = kindForTool(name, run);
  const rules = optArr(driver['rules'], `${path}.tool.driver.rules`) as ReportingDescriptor[];
  rules.forEach((r, i) => {
    obj(r, `${path}.tool.driver.rules[${i}]`);
    str(r.id, `${path}.tool.driver.rules[${i}].id`);
  });
  run.tool.driver.rules = rules;
  const byId = new Map(rules.map((r) => [r.id, r]));
  const results = lazy ? [] : (optArr(run.results, `${path}.results`) as Result[]);
  run.results = results;
  const ruleSeverity = new Map<ReportingDescriptor, Severity>();
  // CodeQL and other pack-based tools describe their rules in tool.extensions[] (SARIF §3.19.3),
  // and results point there with rule.toolComponent.index.
  const extensions = (run.tool.extensions ?? []).map((e) => (e.rules ??= []));

  // Per rule, computed once: its CWE tags (copied onto each of its results).
  const cweTagsOf = new Map<ReportingDescriptor, string[]>();
  const plainTagsOf = new Map<ReportingDescriptor, { kind: string; tags: string[] }>();
  const globalStrings = driver['globalMessageStrings'] as Record<string, { text?: string }> | undefined;

  const normalise = (res: Result, i: number) => {
    // The path is only for the error (a string per result otherwise).
    if (!isObj(res)) obj(res, `${path}.results[${i}]`);
    if (!isObj(res.message)) obj(res.message, `${path}.results[${i}].message`);
    // Resolve the rule by id or index, and make sure the id is on the result.
    let rule: ReportingDescriptor | undefined;
    const idx = res.rule?.index ?? res.ruleIndex;
    const component = res.rule?.toolComponent?.index;
    const pool = typeof component === 'number' ? extensions[component] : rules;
    if (typeof idx === 'number' && pool?.[idx]) rule = pool[idx];
    const ruleId = res.ruleId || res.rule?.id || rule?.id || 'unknown-rule';
    res.ruleId = ruleId;
    rule ??= byId.get(ruleId) ?? extensions.flat().find((r) => r.id === ruleId) ?? byId.get(ruleId.split('/')[0]!);
    if (!rule) {
      rule = { id: ruleId };
      rules.push(rule);
      byId.set(ruleId, rule);
    }
    // ruleIndex indexes tool.driver.rules (§3.27.6): one that points elsewhere (the rule lives in
    // an extension, or the index is stale) would mislead every consumer, so it is dropped.
    if (res.ruleIndex !== undefined && rules[res.ruleIndex] !== rule) delete res.ruleIndex;
    // The rule's own string when equal: the parsed copy on each result is then garbage, not kept.
    if (rule.id === ruleId) res.ruleId = rule.id;

    const { severity, score, native, unknown } = severityOfSarifResult(res, rule);
    const prev = ruleSeverity.get(rule);
    ruleSeverity.set(rule, prev ? maxSeverity(prev, severity) : severity);

    const text = res.message.text ?? res.message.markdown ?? messageFromRule(res, rule, globalStrings);
    res.message.text = text || ruleId; // in place: the reader's own copy (a spread per result was 200,000 objects)
    if (!res.locations?.length) {
      // GitHub needs a location on every result: the analysed artifact when the tool names it, else the repository root.
      const target = res.analysisTarget?.uri ?? (run.artifacts?.length === 1 ? run.artifacts[0]!.location?.uri : undefined);
      res.locations = [{ physicalLocation: { artifactLocation: { uri: target ?? '.' } } }];
    }
    tidyLocations(res);
    const origLevel = res.level;
    res.level = levelFor(severity);
    const bag = (res.properties ??= {}) as Partial<FindingProps> & Record<string, unknown>;
    bag.severity = severity;
    bag['security-severity'] = score === undefined ? plainScore(severity) : securitySeverity(severity, score);
    if (native !== undefined) bag.nativeSeverity = native;
    if (origLevel && origLevel !== res.level) bag['nativeLevel'] = LEVEL_WORDS.get(origLevel) ?? origLevel; // one string, not one per result
    if (unknown) bag.severityUnknown = true;
    bag.kind = typeof bag.kind === 'string' && (TOOL_KINDS as readonly string[]).includes(bag.kind) ? bag.kind : kind;
    let ruleCwes = cweTagsOf.get(rule);
    if (!ruleCwes) {
      const ruleTags = Array.isArray(rule.properties?.tags) ? rule.properties.tags : [];
      ruleCwes = ruleTags.filter((t) => /^(external\/cwe\/|CWE-)/i.test(t));
      cweTagsOf.set(rule, ruleCwes);
    }
    if (Array.isArray(bag.tags)) bag.tags = uniq(['security', bag.kind as string, ...bag.tags.filter((t) => typeof t === 'string'), ...ruleCwes]);
    else {
      // No tags of its own (the common case): the rule's list, made once per rule and kind and
      // shared by its results (an array per result was ~80 bytes × millions in a streamed log).
      // Not frozen: `secgate run` redacts a run in place (runners/redact.ts redactDeep), writing
      // every array element back, the same value for every result that shares the list.
      let known = plainTagsOf.get(rule);
      if (known?.kind !== bag.kind) plainTagsOf.set(rule, (known = { kind: bag.kind as string, tags: uniq(['security', bag.kind as string, ...ruleCwes]) }));
      bag.tags = known.tags;
    }
    if (!res.partialFingerprints?.[FINGERPRINT_KEY]) {
      const loc = res.locations[0]?.physicalLocation;
      const snippet = loc?.region?.snippet?.text ?? loc?.contextRegion?.snippet?.text;
      // In place (the reader's own object), the key where a spread would put it.
      (res.partialFingerprints ??= {})[FINGERPRINT_KEY] = digest([name, ruleId, loc?.artifactLocation?.uri ?? '', snippet?.trim() ?? res.message.text ?? '']);
    }
    // Secrets are redacted after the fingerprint is taken, so it still follows the same secret.
    if (bag.kind === 'secret') redactSecrets(res);
  };
  // secgate check on big inputs: each result goes to the gate's sink (ledger + spool), not the array.
  const sink = ctx.sink?.(runHeader(name, kind));
  if (lazy) {
    let i = 0;
    for (const res of lazy) {
      guardHeap();
      checkStreamedResult(res, path, i);
      normalise(res as Result, i);
      if (sink) sink.add(res as Result);
      else results.push(res as Result);
      i++;
    }
  } else {
    results.forEach(normalise);
    if (sink) {
      for (const res of results) sink.add(res);
      results.length = 0;
    }
  }

  for (const r of [...rules, ...extensions.flat()]) completeRule(r, ruleSeverity.get(r));
  // GitHub wants descriptions and help on every reportingDescriptor, notification descriptors too (GH2012).
  for (const n of [run.tool.driver, ...(run.tool.extensions ?? [])].flatMap((c) => (Array.isArray(c.notifications) ? c.notifications : []))) {
    if (isObj(n) && typeof n.id === 'string' && n.id !== '') completeRule(n, undefined);
  }
  if (driver['informationUri'] !== undefined && !isUri(driver['informationUri'])) delete driver['informationUri'];
  run.properties = { ...(run.properties ?? {}), kind, source: { file: ctx.file, format: sarifLog.id } };
  const id = run.automationDetails?.id;
  if (!id) run.automationDetails = { ...(run.automationDetails ?? {}), id: count > 1 ? `${ctx.category}-${index + 1}/` : `${ctx.category}/` };
  run.invocations ??= [{ executionSuccessful: true }];
  // A sink's results were checked one by one as they were written (src/cli/spool-gate.ts).
  checkOutputRun(run, path);
  if (sink) run.results = sink.seal();
  return run;
}

/** One streamed result checked as the input-shape validator checks a run's results, at its own path. */
function checkStreamedResult(res: unknown, path: string, i: number): void {
  try {
    checkInputRun({ tool: PROBE_TOOL, results: [res] }, path);
  } catch (e) {
    if (e instanceof ShapeError && e.path.startsWith(`${path}.results[0]`)) throw new ShapeError(`${path}.results[${i}]${e.path.slice(`${path}.results[0]`.length)}`, e.message);
    throw e;
  }
}

/** The tool's own label wins; a score is kept only when inside that label's band. */
function severityOfSarifResult(res: Result, rule: ReportingDescriptor): { severity: Severity; score?: number; native?: string; unknown?: boolean } {
  const rp = res.properties ?? {};
  const resultScore = numeric(rp['security-severity']);
  const ruleScore = numeric(rule.properties?.['security-severity']);
  // A severity word on the result (some tools put one there; secgate's own output on re-read) wins;
  // the score (the result's, else its rule's) is kept only inside its band.
  const word = typeof rp['severity'] === 'string' ? rp['severity'] : undefined;
  const label = isSeverity(word) ? word : parseSeverityLabel(word);
  if (label) return { severity: label, score: resultScore ?? ruleScore, native: word };
  // Otherwise security-severity is the producer's label, read as GitHub reads it (in bands), before level.
  if (resultScore !== undefined) return { severity: severityFromScore(resultScore), score: resultScore, native: String(rp['security-severity']) };
  if (ruleScore !== undefined) return { severity: severityFromScore(ruleScore), score: ruleScore, native: String(rule.properties?.['security-severity']) };
  // CodeQL's problem.severity (error / warning / recommendation) is a level by another name.
  const resultProblem = rp['problem.severity'];
  const ruleProblem = rule.properties?.['problem.severity'];
  const problem = typeof resultProblem === 'string' ? resultProblem : typeof ruleProblem === 'string' ? ruleProblem : undefined;
  const fromProblem = parseSeverityLabel(problem);
  if (fromProblem) return { severity: fromProblem, native: problem };
  const level = res.level ?? rule.defaultConfiguration?.level;
  // No level anywhere: SARIF's default is "warning" (§3.27.10), a defined severity, not an unknown one.
  return { severity: severityFromLevel(level), ...(level ? { native: level } : {}) };
}

const LEVEL_WORDS = new Map(['none', 'note', 'warning', 'error'].map((l) => [l, l]));

/** A security-severity score, 0–10, from a number or a numeric string. */
function numeric(x: unknown): number | undefined {
  const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 10 ? n : undefined;
}

/** securitySeverity of a severity without a score: the same few strings, made once each. */
const PLAIN_SCORES = new Map<Severity, string>();
function plainScore(severity: Severity): string {
  let s = PLAIN_SCORES.get(severity);
  if (s === undefined) PLAIN_SCORES.set(severity, (s = securitySeverity(severity, undefined)));
  return s;
}

/** A message given by id (SARIF §3.11.10): the rule's messageStrings, then the driver's globalMessageStrings. */
function messageFromRule(res: Result, rule: ReportingDescriptor, global: Record<string, { text?: string }> | undefined): string | undefined {
  const id = res.message.id;
  const template = id ? (rule.messageStrings?.[id]?.text ?? (isObj(global) && isObj(global[id]) ? global[id]!.text : undefined)) : undefined;
  if (typeof template === 'string') {
    const args = res.message.arguments ?? [];
    // {n} is the n-th argument; {{ and }} are literal braces (§3.11.5).
    return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, n: string | undefined) => (m === '{{' ? '{' : m === '}}' ? '}' : (args[Number(n)] ?? '')));
  }
  return rule.shortDescription?.text;
}

/**
 * A secret scanner's snippet is the secret itself (gitleaks without --redact): it must not travel
 * on into the merged log, job summaries and PR comments. Replaced with gitleaks' own word for it.
 */
function redactSecrets(res: Result): void {
  for (const loc of [...(res.locations ?? []), ...(res.relatedLocations ?? [])]) {
    const pl = loc.physicalLocation;
    for (const region of [pl?.region, pl?.contextRegion]) {
      if (region?.snippet?.text && region.snippet.text !== 'REDACTED') region.snippet = { text: 'REDACTED' };
    }
  }
}

function completeRule(r: ReportingDescriptor, severity: Severity | undefined): void {
  if (r.properties && r.properties.tags === null) delete r.properties.tags;
  // A reference that is not an absolute URI would make GitHub reject the whole upload; the rule still has its help text.
  if (r.helpUri !== undefined && !isUri(r.helpUri)) delete r.helpUri;
  const short = r.shortDescription?.text || r.name || r.fullDescription?.text?.split('\n')[0] || r.id;
  r.shortDescription = { ...(r.shortDescription ?? {}), text: short };
  r.fullDescription = { ...(r.fullDescription ?? {}), text: r.fullDescription?.text || short };
  r.help = { ...(r.help ?? {}), text: r.help?.text || r.fullDescription.text };
  if (severity) {
    r.properties = { ...(r.properties ?? {}), severity };
    if (r.properties['security-severity'] === undefined) r.properties['security-severity'] = securitySeverity(severity);
  }
}

/**
 * Every location of a result, walked once: a region without startLine, charOffset or byteOffset
 * is dropped (the 2.1.0 errata schema requires one), and paths written as plain text ("my
 * file.c") become URI references (anything still invalid is caught by checkOutputRun).
 */
function tidyLocations(res: Result): void {
  for (const list of [res.locations, res.relatedLocations]) {
    if (!list) continue;
    for (const loc of list) {
      const pl = loc.physicalLocation;
      const r = pl?.region;
      if (pl && r && !(typeof r.startLine === 'number' && r.startLine >= 1) && r.charOffset === undefined && r.byteOffset === undefined) delete pl.region;
      const al = pl?.artifactLocation;
      if (al?.uri !== undefined && !isPlainPath(al.uri) && !isUriReference(al.uri)) {
        try {
          // A lone surrogate cannot be percent-encoded: U+FFFD, as for every other tool's paths.
          al.uri = encodeURI(toWellFormed(al.uri));
        } catch {
          /* still not encodable: left for checkOutputRun to report */
        }
      }
    }
  }
}

/**
 * A path of unreserved characters and slashes only ("src/a-b/c.ts"): always a valid URI
 * reference (no scheme without a colon, nothing to encode), so the full grammar's regex, the
 * costly check, is skipped for the usual path. A test checks it agrees with isUriReference.
 */
export function isPlainPath(s: unknown): boolean {
  return typeof s === 'string' && /^[A-Za-z0-9._~/-]*$/.test(s);
}

export type { Log };
