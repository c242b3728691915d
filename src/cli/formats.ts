import { ConfigError } from '../errors.js';
import type { ReportInput } from '../io/read-report.js';
import { adapterById, formatIds } from '../scanners/registry.js';

/**
 * `--format grype` forces the format of every report; `--format grype:path/to.json` of one.
 * A path may itself contain ':' — only a known format id before the first ':' counts.
 */
export function assignFormats(reports: string[], formats: string[]): ReportInput[] {
  let all: string | undefined;
  const perPath = new Map<string, string>();
  for (const f of formats) {
    const i = f.indexOf(':');
    const id = i > 0 ? f.slice(0, i) : f;
    if (!adapterById(id)) throw new ConfigError(`--format ${f}: unknown format "${id}"`, `use one of: ${formatIds().join(', ')}`);
    if (i > 0) perPath.set(f.slice(i + 1), id);
    else all = id;
  }
  const inputs: ReportInput[] = reports.map((path) => ({ path, format: perPath.get(path) ?? all }));
  // `--format id:path` also adds that path, so it need not be named twice.
  for (const [path, format] of perPath) if (!reports.includes(path)) inputs.push({ path, format });
  return inputs;
}
