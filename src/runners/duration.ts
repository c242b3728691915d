/** Durations in secgate.yml: "90s", "10m", "1h30m", "500ms", or a bare number of seconds. */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*)+$|^\\s*\\d+\\s*$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when the text is not a duration (the caller names the key). */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text * 1000 : undefined;
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) > 0 ? Number(s) * 1000 : undefined;
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length || !(total > 0) || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** "2.1s", "1m 05s": for progress lines and messages. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}
