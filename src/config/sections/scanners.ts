import { runners } from '../../runners/registry.js';
import { DURATION_PATTERN } from '../../runners/duration.js';
import type { CommonScannerConfig } from '../../runners/types.js';
import { DEFAULTS, type DefaultsConfig } from './defaults.js';
import { normaliseReports, type ReportEntry } from './reports.js';

/** One entry under `scanners:`: the common keys plus the runner's own (validated by its schema). */
export type ScannerEntry = CommonScannerConfig & Record<string, unknown>;

/** The keys every scanner entry takes; each runner adds its own (`configProperties`). */
export const commonScannerProperties = {
  optional: { type: 'boolean', default: false, description: 'A failure of this scanner is a warning (recorded in the SARIF), not exit 2.' },
  timeout: { type: 'string', pattern: DURATION_PATTERN, description: 'How long the scanner may run ("90s", "10m", "1h"); overrides defaults.timeout. It is stopped (with every process it started) when exceeded.' },
  args: { type: 'array', items: { type: 'string' }, description: 'Extra arguments appended to the scanner\'s command line (a list: no shell).' },
  runner: { enum: ['native', 'docker'], description: 'native: the scanner\'s executable on PATH; docker: its official image.' },
  image: { type: 'string', minLength: 1, description: 'Docker image to use with runner: docker (default: the scanner\'s official image).' },
} as const;

/** `scanners:` — derived from the runner registry, so a new runner needs no edit here. */
export function scannersSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const r of runners) {
    properties[r.id] = {
      type: 'object',
      additionalProperties: false,
      properties: { ...r.configProperties, ...commonScannerProperties },
      ...(r.requiredKeys?.length ? { required: [...r.requiredKeys] } : {}),
    };
  }
  return {
    type: 'object',
    additionalProperties: false,
    description: 'Scanners `secgate run` starts (in parallel), one entry each.',
    properties,
  };
}

/** The `secgate run` part of the configuration, with its defaults filled in. */
export interface RunSections {
  scanners: Record<string, ScannerEntry>;
  reports: ReportEntry[];
  defaults: DefaultsConfig;
}

/** `scanners:`, `reports:` and `defaults:` of a validated secgate.yml (or of none: `{}`). */
export function runSections(raw: Record<string, unknown>): RunSections {
  return {
    scanners: structuredClone((raw['scanners'] as Record<string, ScannerEntry> | undefined) ?? {}),
    reports: normaliseReports(raw['reports']),
    defaults: { ...DEFAULTS, ...((raw['defaults'] as Partial<DefaultsConfig> | undefined) ?? {}) },
  };
}
