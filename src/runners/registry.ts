import type { ScannerRunner } from './types.js';
import { grypeRunner } from '../scanners/grype/runner.js';
import { trivyRunner } from '../scanners/trivy/runner.js';
import { zapRunner } from '../scanners/zap/runner.js';
import { npmAuditRunner } from '../scanners/npm-audit/runner.js';
import { sonarqubeRunner } from '../scanners/sonarqube/runner.js';

/**
 * Every scanner `secgate run` can start, one line each; the id is the key under `scanners:`
 * in secgate.yml. A new scanner is its runner file (src/scanners/<tool>/runner.ts) and one
 * line here: the config schema and `--only` choices are derived from this list.
 */
// Each runner types its own config; the schema (from configProperties) is what validates it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const runners: readonly ScannerRunner<any>[] = [
  grypeRunner,
  trivyRunner,
  zapRunner,
  npmAuditRunner,
  sonarqubeRunner,
];

export function runnerById(id: string): ScannerRunner | undefined {
  return runners.find((r) => r.id === id);
}

export function runnerIds(): string[] {
  return runners.map((r) => r.id);
}
