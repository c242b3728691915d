/**
 * `.scannerwork/report-task.txt`, written by every SonarScanner after it submits an analysis:
 * `key=value` lines (projectKey, serverUrl, serverVersion, dashboardUrl, ceTaskId, ceTaskUrl,
 * and on SonarCloud organization). Values can contain "=" (dashboard URLs with a query), and
 * Java-properties escapes are undone in case a scanner wrote them.
 */
export interface ReportTask {
  projectKey?: string;
  serverUrl?: string;
  serverVersion?: string;
  dashboardUrl?: string;
  ceTaskId?: string;
  ceTaskUrl?: string;
  organization?: string;
  [key: string]: string | undefined;
}

export function parseReportTask(text: string): ReportTask {
  const out: ReportTask = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    out[key] = line.slice(eq + 1).trim().replace(/\\(.)/g, '$1');
  }
  return out;
}
