import { DURATION_PATTERN } from '../../runners/duration.js';

export interface DefaultsConfig {
  /** Per-scanner timeout unless the scanner sets its own. */
  timeout: string;
  /** How many scanners run at once. */
  concurrency: number;
}

export const DEFAULTS: DefaultsConfig = { timeout: '10m', concurrency: 4 };

export const defaultsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Defaults for `secgate run`.',
  properties: {
    timeout: { type: 'string', pattern: DURATION_PATTERN, default: DEFAULTS.timeout, description: 'Per-scanner timeout ("90s", "10m", "1h").' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: DEFAULTS.concurrency, description: 'Scanners run at the same time.' },
  },
} as const;
