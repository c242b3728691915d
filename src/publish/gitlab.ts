import { apiMessage, call, MAX_PAGES, PublishError, type HttpAnswer } from './http.js';
import type { CommentOutcome } from './github.js';
import { hasMarker, stickyBody } from './sticky.js';

/** GitLab caps a note at 1,000,000 characters; keep well under it. */
export const NOTE_MAX_CHARS = 1_000_000;

export interface GitlabTarget {
  /** CI_API_V4_URL, e.g. https://gitlab.example.com/api/v4 */
  apiUrl: string;
  /** CI_PROJECT_ID (numeric) or a namespace/project path. */
  projectId: string;
  mergeRequestIid: string;
  token: string;
  timeoutMs: number;
}

interface GitlabNote {
  id: number;
  body?: string;
  system?: boolean;
}

/**
 * One sticky MR note through the notes API: GET /projects/:id/merge_requests/:iid/notes (every
 * page: X-Next-Page), PUT …/notes/:note_id for the one with the marker, else POST …/notes.
 * Authenticated with PRIVATE-TOKEN (a project/personal access token with `api` scope): the
 * CI job token is not allowed on the notes API.
 */
export async function upsertMrNote(t: GitlabTarget, markdown: string, marker: string): Promise<CommentOutcome> {
  const headers = { 'PRIVATE-TOKEN': t.token, Accept: 'application/json' };
  const base = `${t.apiUrl}/projects/${encodeURIComponent(t.projectId)}/merge_requests/${encodeURIComponent(t.mergeRequestIid)}/notes`;
  const body = stickyBody(markdown, marker);

  let found: GitlabNote | undefined;
  let page: string | undefined = '1';
  for (let n = 0; page && n < MAX_PAGES && !found; n++) {
    const a = await call({ method: 'GET', url: `${base}?per_page=100&page=${encodeURIComponent(page)}&sort=asc&order_by=created_at`, headers, timeoutMs: t.timeoutMs, what: 'GitLab: list MR notes' });
    if (a.status !== 200 || !Array.isArray(a.body)) throw failure('list MR notes', a);
    found = (a.body as GitlabNote[]).find((note) => note && typeof note.id === 'number' && !note.system && hasMarker(note.body, marker));
    const next = a.headers.get('x-next-page');
    page = next && /^\d+$/.test(next) ? next : undefined;
  }
  if (found) {
    if (found.body === body) return { action: 'unchanged', id: found.id };
    const a = await call({ method: 'PUT', url: `${base}/${found.id}`, headers, body: { body }, timeoutMs: t.timeoutMs, what: 'GitLab: update the MR note' });
    if (a.status !== 200) throw failure('update the MR note', a);
    return { action: 'updated', id: found.id };
  }
  const a = await call({ method: 'POST', url: base, headers, body: { body }, timeoutMs: t.timeoutMs, what: 'GitLab: create the MR note' });
  if (a.status !== 201 && a.status !== 200) throw failure('create the MR note', a);
  return { action: 'created', id: (a.body as { id?: number })?.id ?? 0 };
}

function failure(what: string, a: HttpAnswer): PublishError {
  const hint =
    a.status === 401 ? 'the token is invalid or expired: store a project access token with `api` scope as a masked CI/CD variable'
    : a.status === 403 ? 'the token may not write notes here: it needs the `api` scope and at least the Reporter role'
    : a.status === 404 ? 'check CI_PROJECT_ID and CI_MERGE_REQUEST_IID, and that the token can see the project'
    : a.status >= 500 ? 'GitLab answered with a server error; the verdict stands, retry the job to post the note'
    : undefined;
  return new PublishError(`GitLab: cannot ${what}: ${apiMessage(a)}`, hint, a.status);
}
