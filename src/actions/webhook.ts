import { createHmac } from 'node:crypto';
import type { ActionOutcome } from './types.js';

export const SIGNATURE_HEADER = 'X-Secgate-Signature';

/** `sha256=<hex HMAC-SHA256 of the exact body>`, as GitHub's X-Hub-Signature-256 is built. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** POST the payload as JSON. A non-2xx answer, a network error or the timeout is a failed action. */
export async function callWebhook(name: string, url: string, body: string, o: { secret?: string | undefined; headers?: Record<string, string> | undefined; timeoutMs: number; findings: number }): Promise<ActionOutcome> {
  const headers: Record<string, string> = { ...(o.headers ?? {}), 'content-type': 'application/json', 'user-agent': 'secgate' };
  if (o.secret) headers[SIGNATURE_HEADER] = signature(o.secret, body);
  const shown = safeUrl(url);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { name, type: 'webhook', status: 'ok', findings: o.findings, detail: `POST ${shown}: HTTP ${res.status}` };
    return { name, type: 'webhook', status: 'failed', findings: o.findings, detail: `POST ${shown}: HTTP ${res.status}` };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { name, type: 'webhook', status: 'timeout', findings: o.findings, detail: `POST ${shown}: no answer within ${Math.round(o.timeoutMs / 1000)} s` };
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { name, type: 'webhook', status: 'failed', findings: o.findings, detail: `POST ${shown}: ${cause ?? err.message}` };
  }
}

/** The URL without credentials or query (which may carry a token), for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the webhook URL';
  }
}
