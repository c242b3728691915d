import type { Log, Run } from 'sarif';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/**
 * Runs → one log. Runs are sorted (tool name, then automationDetails.id) so the same inputs
 * give the same bytes whatever order the reports were named or the scanners finished in.
 * No two runs share tool + automationDetails.id (GitHub rejects such an upload): a clash
 * gets a numeric suffix.
 */
export function mergeRuns(runs: readonly Run[]): Log {
  // The report's path breaks ties (two reports named scan.json in different folders get the same
  // category), so which one gets the "-2" suffix does not depend on the order they were named in.
  const sorted = [...runs].sort((a, b) => cmp(a.tool.driver.name, b.tool.driver.name) || cmp(a.automationDetails?.id ?? '', b.automationDetails?.id ?? '') || cmp(sourceFile(a), sourceFile(b)));
  const seen = new Set<string>();
  for (const run of sorted) {
    const base = (run.automationDetails?.id ?? `${run.tool.driver.name.toLowerCase()}/`).replace(/\/$/, '');
    let id = `${base}/`;
    for (let n = 2; seen.has(key(run, id)); n++) id = `${base}-${n}/`;
    seen.add(key(run, id));
    run.automationDetails = { ...(run.automationDetails ?? {}), id };
  }
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: sorted };
}

/** Merge already-merged logs (sharded pipelines): their runs, merged again. */
export function mergeLogs(logs: readonly Log[]): Log {
  return mergeRuns(logs.flatMap((l) => l.runs));
}

function sourceFile(run: Run): string {
  const source = run.properties?.['source'] as { file?: unknown } | undefined;
  return typeof source?.file === 'string' ? source.file : '';
}

function key(run: Run, id: string): string {
  return `${run.tool.driver.name}\u0000${id}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
