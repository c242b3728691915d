import type { ScannerRunner } from './types.js';

/**
 * Every scanner `secgate run` can start, one line each; the id is the key under `scanners:`
 * in secgate.yml. A new scanner is its runner file (src/scanners/<tool>/runner.ts) and one
 * line here: the config schema and `--only` choices are derived from this list.
 */
export const runners: readonly ScannerRunner[] = [
];

export function runnerById(id: string): ScannerRunner | undefined {
  return runners.find((r) => r.id === id);
}

export function runnerIds(): string[] {
  return runners.map((r) => r.id);
}
