import { ConfigError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "15m", "1h", "30s", "500ms" → milliseconds. */
export function parseInterval(s: string, what = '--every'): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s.trim());
  if (!m || Number(m[1]) <= 0) throw new ConfigError(`${what} ${JSON.stringify(s)}: not an interval`, 'use a number and a unit: 30s, 15m, 1h');
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
