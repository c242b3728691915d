import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Log } from 'sarif';
import { ConfigError } from '../errors.js';
import { readVerdict, type Verdict } from '../policy/verdict.js';
import { autoPublishGithub } from '../publish/auto.js';
import { detectCi, redact, secretsOf } from '../publish/ci-env.js';
import { postComment, type CommentResult } from '../publish/comment.js';
import { AnnotationTally } from '../publish/github.js';
import { PublishError } from '../publish/http.js';
import { FindingViews } from '../report/findings.js';
import { MarkdownTally, renderMarkdown } from '../report/markdown.js';
import { eachResult } from '../sarif/props.js';
import { write, type CliContext } from './context.js';
import { readSarifLog } from './report.js';

export interface CommentOptions {
  from: string;
  key?: string;
  title?: string;
  gitlabTokenVar?: string;
  timeout?: string;
}

/** `secgate comment`: its whole job is the comment, so not being able to post is exit 2. */
export async function comment(opts: CommentOptions, ctx: CliContext): Promise<number> {
  const timeoutMs = seconds(opts.timeout);
  const log = await readSarifLog(resolve(ctx.cwd, opts.from), opts.from);
  const ci = detectCi(ctx.env, opts.gitlabTokenVar ? { gitlabTokenVariable: opts.gitlabTokenVar } : {});
  const secrets = secretsOf(ci, ctx.env);
  if (ci.provider === 'local') {
    throw new ConfigError('secgate comment: not running in GitHub Actions or GitLab CI (no GITHUB_ACTIONS / GITLAB_CI in the environment)', 'run it in the CI job of a pull/merge request; locally, use `secgate report --format markdown`');
  }
  let result: CommentResult;
  try {
    result = await postComment({ ci, render: renderer(log, opts.title, opts.key), timeoutMs, ...(opts.key ? { key: opts.key } : {}) });
  } catch (e) {
    if (e instanceof PublishError) throw new PublishError(redact(e.message, secrets), e.hint && redact(e.hint, secrets), e.status);
    throw e;
  }
  await write(ctx.stderr, `${redact(describe(result), secrets)}\n`);
  return 0;
}

export interface AfterGateOptions {
  /** --comment: also post the sticky PR/MR comment. */
  comment?: boolean;
  /** --no-github sets this false: no annotations, summary or outputs even in GitHub Actions. */
  github?: boolean;
  /** stdout carries JSON: workflow commands go to stderr. */
  json?: boolean;
  sarif?: string;
}

/**
 * What `check`/`run` do after the verdict: in GitHub Actions, annotations + job summary +
 * step outputs (unless --no-github); with --comment, the sticky PR/MR comment. A failure here
 * is one warning line; the verdict and exit code stay what the gate decided.
 */
export async function publishAfterGate(log: Log, opts: AfterGateOptions, ctx: CliContext): Promise<void> {
  const ci = detectCi(ctx.env);
  const secrets = secretsOf(ci, ctx.env);
  const warn = (m: string) => write(ctx.stderr, `secgate: warning: ${redact(m, secrets)}\n`);
  const verdict: Verdict | undefined = readVerdict(log);
  let summaryWritten = false;
  let tally: MarkdownTally | undefined;
  const render = renderer(log, undefined, undefined, () => tally);
  try {
    if (ci.provider === 'github' && ci.actions && opts.github !== false) {
      const pathPrefix = workspacePrefix(ci.workspace, ctx.cwd);
      // One walk for the annotations and the summary's findings: a spooled log is read once here, not once for each.
      const annotations = new AnnotationTally();
      const views = new FindingViews();
      tally = new MarkdownTally(log);
      for (const { run, runIndex, resultIndex, result } of eachResult(log)) {
        annotations.add(runIndex, resultIndex, result);
        tally.add(views.of(run, result));
      }
      const warnings = await autoPublishGithub({ log, verdict, ci, sarifPath: opts.sarif, render, commands: opts.json ? ctx.stderr : ctx.stdout, pathPrefix, annotations: annotations.lines(log, { pathPrefix }) });
      for (const w of warnings) await warn(w);
      summaryWritten = ci.stepSummaryPath !== undefined;
    }
    if (opts.comment) {
      if (ci.provider === 'local') await warn('--comment: not running in GitHub Actions or GitLab CI, no pull/merge request to comment on');
      else {
        const r = await postComment({ ci, render, timeoutMs: 30_000, summaryWritten });
        await write(ctx.stderr, `${redact(describe(r), secrets)}\n`);
      }
    }
  } catch (e) {
    await warn(`${e instanceof PublishError ? e.oneLine() : `publishing failed: ${(e as Error)?.message ?? String(e)}`} (the verdict is unchanged)`);
  }
}

/** secgate run in a subdirectory (working-directory): its relative paths, seen from the repository root. */
export function workspacePrefix(workspace: string | undefined, cwd: string): string {
  if (!workspace) return '';
  const rel = relative(resolve(workspace), resolve(cwd));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : '';
}

/** Renders the summary of `log`: its findings tallied once (or taken from `made`), however often it renders (fitBytes, the comment). */
function renderer(log: Log, title?: string, key?: string, made?: () => MarkdownTally | undefined): (maxChars: number) => string {
  const heading = title && title !== 'secgate' ? title : key ? `secgate (${key})` : 'secgate';
  let tally: MarkdownTally | undefined;
  return (maxChars) => renderMarkdown(log, { maxChars, title: heading, tally: (tally ??= made?.() ?? MarkdownTally.of(log)) });
}

function describe(r: CommentResult): string {
  switch (r.status) {
    case 'posted':
      return `secgate: ${r.action === 'created' ? 'commented on' : r.action === 'updated' ? 'updated the comment on' : 'the comment is already up to date on'} ${r.where}${r.url ? ` (${r.url})` : ''}`;
    case 'fallback':
      return `secgate: warning: could not comment: ${r.message}`;
    default:
      return `secgate: no comment posted: ${r.message}`;
  }
}

function seconds(s: string | undefined): number {
  const n = Number(s ?? '30');
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`--timeout ${s}: not a number of seconds`, 'e.g. --timeout 30');
  return Math.round(n * 1000);
}
