/** `history:` — a summary line per check/run/watch, for `secgate trend`. */
export interface HistoryConfig {
  /** Append a line on every check/run/watch evaluation. */
  enabled: boolean;
  /** JSON Lines file (kept in a CI cache or artifact). */
  path: string;
}

export const DEFAULT_HISTORY_PATH = '.secgate/history.jsonl';

export const historySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Record a summary line per evaluation for `secgate trend`.',
  properties: {
    enabled: { type: 'boolean', default: false, description: 'Append a line on every check/run/watch (also: --history FILE).' },
    path: { type: 'string', minLength: 1, default: DEFAULT_HISTORY_PATH, description: 'History file (JSON Lines).' },
  },
} as const;

export function historyFromRaw(raw: unknown): HistoryConfig {
  const h = (raw ?? {}) as Partial<HistoryConfig>;
  return { enabled: h.enabled ?? false, path: h.path ?? DEFAULT_HISTORY_PATH };
}
