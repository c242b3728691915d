import { ConfigError } from '../errors.js';
import type { ScannerEntry } from '../config/sections/scanners.js';
import { DEFAULTS, type DefaultsConfig } from '../config/sections/defaults.js';
import { parseDuration } from './duration.js';
import { runnerById, runnerIds } from './registry.js';
import type { ScannerRunner } from './types.js';

/** One scanner to run: its runner, its configuration and its effective limits. */
export interface Job {
  id: string;
  runner: ScannerRunner;
  config: ScannerEntry;
  timeoutMs: number;
  optional: boolean;
}

/**
 * One job per configured scanner (in the order secgate.yml lists them), narrowed by `--only`.
 * Anything that cannot run as written is a ConfigError before any scanner starts.
 */
export function planJobs(scanners: Record<string, ScannerEntry>, defaults: DefaultsConfig = DEFAULTS, only?: readonly string[]): Job[] {
  const configured = Object.keys(scanners);
  if (only?.length) {
    for (const id of only) {
      if (!runnerById(id)) throw new ConfigError(`--only ${id}: no such scanner`, `scanners secgate can run: ${runnerIds().join(', ')}`);
      if (!configured.includes(id)) throw new ConfigError(`--only ${id}: not configured under scanners: in secgate.yml`, configured.length ? `configured: ${configured.join(', ')}` : 'add it under scanners: in secgate.yml');
    }
  }
  const defaultTimeout = parseDuration(defaults.timeout);
  if (defaultTimeout === undefined) throw new ConfigError(`defaults.timeout: "${defaults.timeout}" is not a duration`, 'write it like "90s", "10m" or "1h"');
  const jobs: Job[] = [];
  for (const id of configured) {
    if (only?.length && !only.includes(id)) continue;
    const runner = runnerById(id);
    if (!runner) throw new ConfigError(`scanners.${id}: no such scanner`, `use one of: ${runnerIds().join(', ')}`);
    const config = scanners[id] ?? {};
    let timeoutMs = defaultTimeout;
    if (config.timeout !== undefined) {
      const t = parseDuration(config.timeout);
      if (t === undefined) throw new ConfigError(`scanners.${id}.timeout: "${config.timeout}" is not a duration`, 'write it like "90s", "10m" or "1h"');
      timeoutMs = t;
    }
    jobs.push({ id, runner, config, timeoutMs, optional: config.optional === true });
  }
  return jobs;
}

/** `--only zap,grype` and `--only zap --only grype` alike. */
export function parseOnly(values: readonly string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const ids = values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return ids.length ? [...new Set(ids)] : undefined;
}
