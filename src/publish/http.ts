import { SecgateError } from '../errors.js';

/** Posting to a PR/MR failed: never changes the gate's verdict; the CLI prints it as a warning. */
export class PublishError extends SecgateError {
  override readonly name = 'PublishError';
  constructor(
    message: string,
    hint?: string,
    /** HTTP status, when the API answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
  }
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** What the request is for, in error messages ("GitHub: list PR comments"). */
  what: string;
}

/**
 * One API call. Network failures and timeouts become a PublishError naming the host and what
 * was being done — never the headers (they hold the token). Any HTTP status comes back to the
 * caller, which knows what a 403 or 404 means for its API.
 */
export async function call(req: HttpRequest): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: { ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}), 'User-Agent': 'secgate', ...req.headers },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${Math.round(req.timeoutMs / 1000)}s` : err.cause?.code ?? err.message;
    throw new PublishError(`${req.what}: ${hostOf(req.url)}: ${why}`, 'the API could not be reached; the verdict stands', undefined, { cause: e });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new PublishError(`${req.what}: ${hostOf(req.url)}: the answer was cut off (${(e as Error).message})`, undefined, res.status, { cause: e });
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** The API's own short explanation of an error answer (GitHub: message, GitLab: message/error). */
export function apiMessage(a: HttpAnswer): string {
  const b = a.body as { message?: unknown; error?: unknown } | undefined;
  const m = typeof b?.message === 'string' ? b.message : typeof b?.error === 'string' ? b.error : b?.message !== undefined ? JSON.stringify(b.message) : a.text.slice(0, 120);
  return `HTTP ${a.status}${m ? `: ${m.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the API';
  }
}

/** A pagination link may only lead back to the API we were given: the token goes with it. */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export const MAX_PAGES = 50;
