/** `watch:` — what `secgate watch` re-reads and where it remembers what it has seen. */
export interface WatchSource {
  path: string;
  format?: string;
  /** Line-delimited formats: skip malformed lines (counted as a warning). */
  skip_malformed_lines?: boolean;
}

export interface WatchConfig {
  sources: WatchSource[];
  /** Interval such as 15m, 1h, 30s. */
  every?: string;
  state: string;
}

export const DEFAULT_WATCH_STATE = '.secgate/watch-state.json';

export const watchSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Continuous monitoring with `secgate watch`.',
  properties: {
    sources: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1 },
          format: { type: 'string', minLength: 1 },
          skip_malformed_lines: { type: 'boolean', default: false },
        },
      },
    },
    every: { type: 'string', pattern: '^\\d+(ms|s|m|h)$' },
    state: { type: 'string', minLength: 1, default: DEFAULT_WATCH_STATE },
  },
} as const;

export function watchFromRaw(raw: unknown): WatchConfig {
  const w = (raw ?? {}) as Partial<WatchConfig>;
  return { sources: w.sources ?? [], ...(w.every ? { every: w.every } : {}), state: w.state ?? DEFAULT_WATCH_STATE };
}
