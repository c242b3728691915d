import type { CiEnvironment } from './ci-env.js';
import { appendRunnerFile, COMMENT_MAX_CHARS, readPullRequest, ReadOnlyTokenError, summaryBudget, upsertPrComment } from './github.js';
import { NOTE_MAX_CHARS, upsertMrNote } from './gitlab.js';
import { PublishError } from './http.js';
import { commentMarker, stripMarkers } from './sticky.js';

export interface CommentRequest {
  ci: CiEnvironment;
  /** Renders the comment's markdown within a character budget (src/report/markdown.ts). */
  render: (maxChars: number) => string;
  /** Keeps one comment per key (several secgate jobs on one PR). */
  key?: string;
  timeoutMs: number;
  /** The report is already in this step's job summary (check/run in Actions): a fallback only adds its note. */
  summaryWritten?: boolean;
}

export type CommentResult =
  | { status: 'posted'; action: 'created' | 'updated' | 'unchanged'; where: string; url?: string }
  | { status: 'fallback'; message: string }
  | { status: 'skipped'; message: string };

/**
 * Post or update the one sticky comment on the PR (GitHub) or MR (GitLab) this job is about.
 * Throws PublishError when it cannot (no token, API error); "nothing to comment on" (a push
 * build) is `skipped`, a read-only fork token is `fallback` to the job summary.
 */
export async function postComment(req: CommentRequest): Promise<CommentResult> {
  const marker = commentMarker(req.key);
  const room = (limit: number) => limit - marker.length - 1;
  const ci = req.ci;
  if (ci.provider === 'github') {
    if (!ci.repository) throw new PublishError('GitHub: GITHUB_REPOSITORY is not set', 'run inside GitHub Actions, or set GITHUB_REPOSITORY=owner/repo');
    const pr = await readPullRequest(ci);
    if (!pr) return { status: 'skipped', message: `no pull request in this ${ci.eventName ?? 'GitHub'} event: nothing to comment on (the job summary has the report)` };
    const markdown = stripMarkers(req.render(room(COMMENT_MAX_CHARS)));
    if (!ci.token) throw new PublishError('GitHub: GITHUB_TOKEN is not set, cannot comment on the pull request', 'pass it to the step: `env: GITHUB_TOKEN: ${{ github.token }}` with `permissions: pull-requests: write`');
    try {
      const r = await upsertPrComment({ apiUrl: ci.apiUrl, repository: ci.repository, issueNumber: pr.number, token: ci.token, timeoutMs: req.timeoutMs }, markdown, marker);
      return { status: 'posted', action: r.action, where: `pull request #${pr.number}`, ...(r.url ? { url: r.url } : {}) };
    } catch (e) {
      if (!(e instanceof ReadOnlyTokenError)) throw e;
      return { status: 'fallback', message: await summaryFallback(ci.stepSummaryPath, req.render, pr.fromFork, req.summaryWritten ?? false) };
    }
  }
  if (ci.provider === 'gitlab') {
    if (!ci.mergeRequestIid) return { status: 'skipped', message: 'not a merge request pipeline (CI_MERGE_REQUEST_IID is not set): nothing to comment on' };
    if (!ci.apiUrl || !ci.projectId) throw new PublishError('GitLab: CI_API_V4_URL and CI_PROJECT_ID must be set to post an MR note', 'run inside GitLab CI');
    if (!ci.token) {
      throw new PublishError(
        `GitLab: ${ci.tokenVariable} is not set${ci.onlyJobToken ? ' (CI_JOB_TOKEN is, but GitLab does not let the job token post merge request notes)' : ''}`,
        `create a project access token with the api scope and store it as a masked CI/CD variable named ${ci.tokenVariable}`,
      );
    }
    const markdown = stripMarkers(req.render(room(NOTE_MAX_CHARS)));
    const r = await upsertMrNote({ apiUrl: ci.apiUrl, projectId: ci.projectId, mergeRequestIid: ci.mergeRequestIid, token: ci.token, timeoutMs: req.timeoutMs }, markdown, marker);
    return { status: 'posted', action: r.action, where: `merge request !${ci.mergeRequestIid}` };
  }
  return { status: 'skipped', message: 'not running in GitHub Actions or GitLab CI: no pull/merge request to comment on' };
}

async function summaryFallback(path: string | undefined, render: (maxChars: number) => string, fromFork: boolean, alreadyThere: boolean): Promise<string> {
  const why = fromFork ? 'this pull request comes from a fork, so the workflow token is read-only' : 'the workflow token may not write to this pull request';
  if (!path) return `${why}; no job summary is available either (GITHUB_STEP_SUMMARY is not set)`;
  const note = `> secgate could not comment on the pull request: ${why}.\n`;
  if (alreadyThere) {
    await appendRunnerFile(path, note, 'the job summary');
    return `${why}: the report is in the job summary`;
  }
  const budget = await summaryBudget(path);
  const md = fitBytes(render, budget - 200);
  if (!md) return `${why}, and the job summary is full`;
  await appendRunnerFile(path, `${md}\n\n${note}`, 'the job summary');
  return `${why}: the report is in the job summary instead`;
}

/** Render within a byte budget: maxChars counts characters, the summary limit counts bytes. */
export function fitBytes(render: (maxChars: number) => string, bytes: number): string | undefined {
  if (bytes < 500) return undefined;
  let chars = bytes;
  for (let i = 0; i < 6; i++) {
    const md = render(chars);
    const size = Buffer.byteLength(md, 'utf8');
    if (size <= bytes) return md;
    chars = Math.floor((chars * bytes) / size) - 64;
    if (chars < 500) return undefined;
  }
  return undefined;
}
