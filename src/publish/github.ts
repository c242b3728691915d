import { appendFile, readFile, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Log, Result, Run } from 'sarif';
import type { Verdict } from '../policy/verdict.js';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';
import { FirstSorted } from '../policy/top.js';
import { eachResult, isSuppressed, locationUri, props, resultAt, severityOf, toolName } from '../sarif/props.js';
import { SEVERITIES, type Severity } from '../sarif/severity.js';
import { summarise } from '../sarif/summary.js';
import { workflowCommand } from '../text/escape-workflow.js';
import type { GithubCi } from './ci-env.js';
import { apiMessage, call, MAX_PAGES, PublishError, sameOrigin } from './http.js';
import { hasMarker, stickyBody } from './sticky.js';

/** GitHub shows this many annotations of each level per step; the rest are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;
/** $GITHUB_STEP_SUMMARY: "supports content up to a size of 1024k" per step. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;
/** Issue/PR comment bodies: at most 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536;

type AnnotationLevel = 'error' | 'warning' | 'notice';

function levelOf(s: Severity): AnnotationLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice';
}

interface Candidate {
  run: Run;
  result: Result;
  severity: Severity;
}

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice'];

/**
 * Workflow-command lines for the findings, most severe first, one per distinct issue (the
 * same CVE from two tools is one annotation), at most 10 per level — with one notice saying
 * how many more there are, so nobody mistakes the 10 shown for all of them.
 */
export function annotationLines(log: Log, opts: { pathPrefix?: string } = {}): string[] {
  const tally = new AnnotationTally();
  for (const { runIndex, resultIndex, result } of eachResult(log)) tally.add(runIndex, resultIndex, result);
  return tally.lines(log, opts);
}

/**
 * annotationLines fed one result at a time (a caller walking the log for more than this walks it
 * once). Per class it keeps only its severity, score and where its chosen result is (typed
 * arrays over a KeyTable of class keys); `lines` reads back just the results annotated.
 */
export class AnnotationTally {
  /** Class ids are dense in order of first sighting: the order a stable sort leaves ties in. */
  private readonly classes = new KeyTable();
  /** Per class, its severity as an index into SEVERITIES (0: critical). */
  private severities = new Uint8Array(1024);
  private scores = new Float64Array(1024);
  private runOf = new Int32Array(1024);
  private resultOf = new Int32Array(1024);

  /** Result `resultIndex` of run `runIndex`, in the log's order (eachResult's). */
  add(runIndex: number, resultIndex: number, result: Result): void {
    if (isSuppressed(result)) return;
    // The log is schema-valid SARIF (afterGate checks it): a correlationGuid is a string.
    const key = result.correlationGuid ?? `${runIndex}:${resultIndex}`;
    const known = this.classes.size;
    const id = this.classes.add(key);
    const sev = SEVERITIES.indexOf(severityOf(result));
    // A class's candidate is replaced only by a strictly more severe sighting.
    if (id < known && sev >= this.severities[id]!) return;
    if (id >= this.severities.length) {
      this.severities = grown(this.severities, id);
      this.scores = grown(this.scores, id);
      this.runOf = grown(this.runOf, id);
      this.resultOf = grown(this.resultOf, id);
    }
    this.severities[id] = sev;
    // GitHub's security-severity score: CVSS 9.8 before 9.1.
    this.scores[id] = Number(props(result)['security-severity'] ?? 0) || 0;
    this.runOf[id] = runIndex;
    this.resultOf[id] = resultIndex;
  }

  /** The lines for what was added from `log`. */
  lines(log: Log, opts: { pathPrefix?: string } = {}): string[] {
    const { severities, scores, runOf, resultOf } = this;
    // Severity, then score, then report order. `|| a - b` also orders equal infinite scores (NaN) by first sighting.
    const order = (a: number, b: number) => severities[a]! - severities[b]! || scores[b]! - scores[a]! || a - b;
    const top: Record<AnnotationLevel, FirstSorted<number>> = {
      error: new FirstSorted(ANNOTATIONS_PER_LEVEL, order),
      warning: new FirstSorted(ANNOTATIONS_PER_LEVEL, order),
      notice: new FirstSorted(ANNOTATIONS_PER_LEVEL, order),
    };
    for (let id = 0; id < this.classes.size; id++) top[levelOf(SEVERITIES[severities[id]!]!)].add(id);
    let hidden = 0;
    for (const level of LEVELS) hidden += top[level].count - top[level].kept.length;
    const shownIds = { error: top.error.kept, warning: top.warning.kept, notice: top.notice.kept };
    if (hidden > 0 && shownIds.notice.length === ANNOTATIONS_PER_LEVEL) {
      shownIds.notice = shownIds.notice.slice(0, -1);
      hidden++;
    }
    const shown = (level: AnnotationLevel) =>
      shownIds[level].map((id) => {
        const run = log.runs[runOf[id]!]!;
        const result = resultAt(run, resultOf[id]!);
        return annotation(level, { run, result, severity: severityOf(result) }, opts.pathPrefix ?? '');
      });
    const lines = [...shown('error'), ...shown('warning')];
    if (hidden > 0) {
      lines.push(
        workflowCommand('notice', { title: 'secgate' }, `${hidden} more finding${hidden === 1 ? ' is' : 's are'} not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} errors, warnings and notices per step, most severe first here): see the job summary or the SARIF log`),
      );
    }
    lines.push(...shown('notice'));
    return lines;
  }
}

function annotation(level: AnnotationLevel, c: Candidate, prefix: string): string {
  const p = props(c.result);
  const region = c.result.locations?.[0]?.physicalLocation?.region;
  const rel = repoPath(locationUri(c.result));
  const file = rel && prefix ? `${prefix}/${rel}` : rel;
  const pkg = p.packageName ? ` in ${p.packageName}${p.packageVersion ? `@${p.packageVersion}` : ''}` : '';
  const fix = p.fixedVersions?.length ? ` (fixed in ${p.fixedVersions.join(', ')})` : '';
  const text = c.result.message.text ?? c.result.message.markdown ?? c.result.ruleId ?? 'finding';
  const message = `${truncate(text, 1500)}${pkg}${fix}`;
  return workflowCommand(
    level,
    {
      file,
      line: file ? region?.startLine : undefined,
      endLine: file && region?.endLine && region.endLine !== region.startLine ? region.endLine : undefined,
      col: file && region?.startLine ? region.startColumn : undefined,
      endColumn: file && region?.startLine && (!region.endLine || region.endLine === region.startLine) ? region.endColumn : undefined,
      title: truncate(`${c.severity} ${c.result.ruleId ?? ''} [${toolName(c.run)}]`, 200),
    },
    message,
  );
}

/** Only a repository-relative path can be annotated: no scheme, not absolute, no `..`. */
export function repoPath(uri: string | undefined): string | undefined {
  if (!uri || /^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/') || uri.startsWith('\\')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(uri);
  } catch {
    path = uri;
  }
  path = path.replace(/^(\.\/)+/, '');
  // Checked again after decoding: %2F and %2E%2E must not smuggle an absolute path or `..` in.
  if (!path || path.startsWith('/') || path.startsWith('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.split(/[\\/]/).includes('..')) return undefined;
  return path;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The step's outputs: verdict, counts of distinct issues, the SARIF path. */
export function outputValues(log: Log, verdict: Verdict | undefined, sarifPath: string | undefined): Record<string, string> {
  const summary = verdict?.summary ?? summarise(log);
  const out: Record<string, string> = {
    verdict: verdict?.status ?? 'none',
    'exit-code': String(verdict ? (verdict.status === 'pass' ? 0 : verdict.status === 'fail' ? 1 : 2) : 2),
    findings: String(summary.distinctTotal),
    critical: String(summary.distinct.critical),
    high: String(summary.distinct.high),
    medium: String(summary.distinct.medium),
    low: String(summary.distinct.low),
    info: String(summary.distinct.info),
    suppressed: String(summary.suppressed),
    reasons: (verdict?.reasons ?? []).map((r) => `${r.rule ? `${r.rule}: ` : ''}${r.message}`).join('\n'),
  };
  if (sarifPath) out['sarif'] = sarifPath;
  return out;
}

/**
 * $GITHUB_OUTPUT text in the multiline form (`name<<DELIM` … `DELIM`) for every value, with
 * a random delimiter the value cannot contain — a value cannot forge another output.
 */
export function outputFileText(values: Record<string, string>, newDelimiter: () => string = () => `ghadelimiter_${randomUUID()}`): string {
  let text = '';
  for (const [name, value] of Object.entries(values)) {
    let d = newDelimiter();
    while (value.includes(d) || name.includes(d)) d = newDelimiter();
    text += `${name}<<${d}\n${value}\n${d}\n`;
  }
  return text;
}

/**
 * Append to a file the runner owns ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY): appended, not
 * replaced — other steps' content in it stays.
 */
export async function appendRunnerFile(path: string, text: string, what: string): Promise<void> {
  try {
    await appendFile(path, text, 'utf8');
  } catch (e) {
    throw new PublishError(`cannot append to ${what} (${path}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, undefined, { cause: e });
  }
}

/** Bytes still free in this step's summary file. */
export async function summaryBudget(path: string): Promise<number> {
  const used = await stat(path).then((s) => s.size, () => 0);
  return Math.max(0, STEP_SUMMARY_MAX_BYTES - used);
}

export interface PullRequestRef {
  number: number;
  /** The head branch lives in another repository: the workflow token is read-only there. */
  fromFork: boolean;
}

/** The PR this run is about: from the event payload, else from refs/pull/<n>/merge. */
export async function readPullRequest(ci: GithubCi): Promise<PullRequestRef | undefined> {
  let event: Record<string, unknown> | undefined;
  if (ci.eventPath) {
    try {
      event = JSON.parse(await readFile(ci.eventPath, 'utf8')) as Record<string, unknown>;
    } catch {
      event = undefined;
    }
  }
  const pr = event?.['pull_request'] as { number?: unknown; head?: { repo?: { full_name?: unknown } | null }; base?: { repo?: { full_name?: unknown } } } | undefined;
  if (pr && typeof pr.number === 'number') {
    const head = pr.head?.repo?.full_name;
    const base = pr.base?.repo?.full_name;
    return { number: pr.number, fromFork: pr.head?.repo === null || (typeof head === 'string' && typeof base === 'string' && head !== base) };
  }
  const issue = event?.['issue'] as { number?: unknown; pull_request?: unknown } | undefined;
  if (issue && typeof issue.number === 'number' && issue.pull_request) return { number: issue.number, fromFork: false };
  const m = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ci.ref ?? '');
  return m ? { number: Number(m[1]), fromFork: false } : undefined;
}

export interface CommentOutcome {
  action: 'created' | 'updated' | 'unchanged';
  url?: string;
  id: number;
}

interface GithubComment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { type?: string } | null;
}

/** Thrown when the token may read but not write (fork PRs): the caller falls back to the summary. */
export class ReadOnlyTokenError extends PublishError {}

export interface GithubTarget {
  apiUrl: string;
  repository: string;
  issueNumber: number;
  token: string;
  timeoutMs: number;
}

/**
 * One sticky PR comment: list the PR's comments (every page), edit the one carrying the
 * marker, else create it. REST: GET/POST /repos/{owner}/{repo}/issues/{n}/comments,
 * PATCH /repos/{owner}/{repo}/issues/comments/{id} (a PR is an issue for comments).
 */
export async function upsertPrComment(t: GithubTarget, markdown: string, marker: string): Promise<CommentOutcome> {
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${t.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
  };
  const base = `${t.apiUrl}/repos/${t.repository.split('/').map(encodeURIComponent).join('/')}`;
  const body = stickyBody(markdown, marker);

  const found: GithubComment[] = [];
  let url: string | undefined = `${base}/issues/${t.issueNumber}/comments?per_page=100`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const a = await call({ method: 'GET', url, headers, timeoutMs: t.timeoutMs, what: 'GitHub: list PR comments' });
    if (a.status !== 200 || !Array.isArray(a.body)) throw failure('list PR comments', a);
    for (const c of a.body as GithubComment[]) if (c && typeof c.id === 'number' && hasMarker(c.body, marker)) found.push(c);
    const next = nextLink(a.headers.get('link'));
    url = next && sameOrigin(next, t.apiUrl) ? next : undefined;
  }
  // Prefer a comment a bot (the workflow's token) wrote over one a person pasted the marker into.
  const mine = found.find((c) => c.user?.type === 'Bot') ?? found[0];
  if (mine) {
    if (mine.body === body) return { action: 'unchanged', id: mine.id, ...(mine.html_url ? { url: mine.html_url } : {}) };
    const a = await call({ method: 'PATCH', url: `${base}/issues/comments/${mine.id}`, headers, body: { body }, timeoutMs: t.timeoutMs, what: 'GitHub: update the PR comment' });
    if (a.status !== 200) throw failure('update the PR comment', a);
    return { action: 'updated', id: mine.id, ...(urlOf(a.body) ? { url: urlOf(a.body)! } : {}) };
  }
  const a = await call({ method: 'POST', url: `${base}/issues/${t.issueNumber}/comments`, headers, body: { body }, timeoutMs: t.timeoutMs, what: 'GitHub: create the PR comment' });
  if (a.status !== 201 && a.status !== 200) throw failure('create the PR comment', a);
  return { action: 'created', id: (a.body as { id?: number })?.id ?? 0, ...(urlOf(a.body) ? { url: urlOf(a.body)! } : {}) };
}

function urlOf(body: unknown): string | undefined {
  const u = (body as { html_url?: unknown } | undefined)?.html_url;
  return typeof u === 'string' ? u : undefined;
}

function failure(what: string, a: Awaited<ReturnType<typeof call>>): PublishError {
  const msg = `GitHub: cannot ${what}: ${apiMessage(a)}`;
  if (a.status === 403 && /not accessible by integration/i.test(a.text)) {
    return new ReadOnlyTokenError(msg, 'the workflow token is read-only here (a pull request from a fork): the result is in the job summary instead', 403);
  }
  const hint =
    a.status === 401 ? 'check the token (GITHUB_TOKEN / the action\'s token input)'
    : a.status === 403 ? 'give the job `permissions: pull-requests: write`'
    : a.status === 404 ? 'check GITHUB_REPOSITORY and the pull request number, and that the token can see the repository'
    : a.status >= 500 ? 'GitHub answered with a server error; the verdict stands, retry the job to post the comment'
    : undefined;
  return new PublishError(msg, hint, a.status);
}

/** RFC 8288 Link header → the rel="next" URL (GitHub paginates this way). */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(m[2]!)) return m[1];
  }
  return undefined;
}
