/**
 * TEST ORACLE: src/report/html.ts as it was before the reports walked a spooled log lazily (every FindingView
 * materialised, whole lists sorted, one string). The new one must give the same bytes.
 */
import { createHash } from 'node:crypto';
import type { Log } from 'sarif';
import { readVerdict, type Reason } from '../../src/policy/verdict.js';
import { SEVERITIES } from '../../src/sarif/severity.js';
import { summarise, sumCounts } from '../../src/sarif/summary.js';
import { forHtml, forHtmlScriptJson, showInvisible, toWellFormed } from '../../src/text/escape.js';
import { VERSION } from '../../src/version.js';
import { displayUri } from '../../src/report/console.js';
import { bySeverity, type FindingView } from '../../src/report/findings.js';
import { findingsOf } from './findings-oracle.js';
import { HTML_SCRIPT } from '../../src/report/html-script.js';
import { HTML_STYLE } from '../../src/report/html-style.js';

export interface HtmlOptions {
  title?: string;
  /** Findings embedded at most (the rest are counted in a note); keeps the file openable. */
  maxFindings?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

/**
 * One self-contained page. Everything is inline and pinned by the Content-Security-Policy
 * (script and style allowed by hash, nothing else may load: no network, no other script), the
 * data is JSON in a non-executable script element with `<` escaped, and the inline script
 * builds the page with textContent only.
 */
export function renderHtml(log: Log, opts: HtmlOptions = {}): string {
  const data = reportData(log, opts.maxFindings ?? 20_000);
  const title = `${opts.title ?? 'secgate'} — security report`;
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(HTML_SCRIPT)}'`,
    `style-src 'sha256-${sha256(HTML_STYLE)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "connect-src 'none'",
  ].join('; ');
  const sevBoxes = SEVERITIES.map((s) => `<label><input type="checkbox" id="f-sev-${s}" checked> ${s}</label>`).join('\n      ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${forHtml(clean(title, 200))}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
  <h1>${forHtml(clean(title, 200))} <span id="verdict" class="verdict none">…</span></h1>
  <div id="headline" class="muted"></div>
  <ul id="reasons" class="reasons"></ul>
  <noscript><p>This report draws its charts and findings with JavaScript; the data is in the <code>secgate-data</code> element of this file, and the full list in the SARIF log.</p></noscript>
</header>
<main>
  <section class="charts">
    <div class="chart"><h2>Open findings by severity</h2><div id="chart-severity"></div></div>
    <div class="chart"><h2>Findings by tool</h2><div id="chart-tools"></div></div>
  </section>
  <h2>Per tool</h2>
  <table id="tools-table">
    <thead><tr><th>tool</th>${SEVERITIES.map((s) => `<th class="num">${s}</th>`).join('')}<th class="num">suppressed</th></tr></thead>
    <tbody></tbody>
  </table>
  <h2>Findings</h2>
  <div class="filters" role="search">
      ${sevBoxes}
      <label>tool <select id="f-tool"><option value="">all</option></select></label>
      <label>kind <select id="f-kind"><option value="">all</option></select></label>
      <label>state <select id="f-state"><option value="all">current</option><option value="new">new</option><option value="unchanged">unchanged</option><option value="updated">updated</option><option value="fixed">fixed</option></select></label>
      <label><input type="checkbox" id="f-suppressed"> suppressed</label>
      <input type="search" id="f-text" placeholder="filter: rule, message, path, package, CWE…" aria-label="text filter">
      <span id="shown" class="muted"></span>
  </div>
  <div id="findings"></div>
  <div id="no-match" class="empty" hidden>No finding matches these filters.</div>
  ${data.omitted ? `<p class="muted">${data.omitted} more findings are not embedded in this page; the SARIF log has them all.</p>` : ''}
</main>
<footer>secgate ${forHtml(VERSION)} · generated from a SARIF 2.1.0 log · this file loads nothing from the network</footer>
<script type="application/json" id="secgate-data">${forHtmlScriptJson(data)}</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}

/** Scanner text made safe to show: well-formed, visible controls and bidi characters, clipped. */
function clean(s: string | undefined, max = 4000): string {
  if (s === undefined) return '';
  const t = showInvisible(toWellFormed(s)).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => (c === '\r' ? '' : `\\u{${c.charCodeAt(0).toString(16)}}`));
  return toWellFormed(t.length > max ? `${t.slice(0, max - 1)}…` : t);
}

function reportData(log: Log, maxFindings: number) {
  const verdict = readVerdict(log);
  const summary = verdict?.summary ?? summarise(log);
  const all = findingsOf(log).sort(bySeverity);
  const kept = all.slice(0, maxFindings);
  const reason = (r: Reason) => ({ code: clean(r.code, 80), rule: clean(r.rule, 300), message: clean(r.message, 1000) });
  const all_ = sumCounts(summary.total);
  return {
    headline:
      `${summary.distinctTotal} distinct issue${summary.distinctTotal === 1 ? '' : 's'} from ${all_} finding${all_ === 1 ? '' : 's'} across ${summary.tools.length} tool run${summary.tools.length === 1 ? '' : 's'}` +
      (summary.suppressed ? ` · ${summary.suppressed} suppressed` : '') +
      (verdict ? '' : ' · no verdict in this log'),
    verdict: verdict ? { status: verdict.status, reasons: verdict.reasons.map(reason), warnings: verdict.warnings.map(reason) } : null,
    summary: { total: summary.total, distinct: summary.distinct, suppressed: summary.suppressed, distinctTotal: summary.distinctTotal },
    tools: summary.tools.map((t) => ({ name: clean(t.tool, 200), category: clean(t.category, 200), succeeded: t.succeeded, optional: t.optional, counts: t.counts, suppressed: t.suppressed })),
    findings: kept.map((f, index) => findingData(f, index)),
    omitted: all.length - kept.length,
  };
}

function findingData(f: FindingView, index: number) {
  return {
    index,
    tool: clean(f.tool, 200),
    category: clean(f.category, 200),
    kind: f.kind ?? '',
    severity: f.severity,
    ruleId: clean(f.ruleId, 300),
    ruleName: clean(f.ruleName, 300),
    message: clean(f.message),
    location: f.uri ? clean(displayUri(f.uri), 1000) : '',
    line: f.line ?? null,
    package: clean(f.package, 300),
    fixedVersions: f.fixedVersions.map((x) => clean(x, 100)),
    cwe: f.cwe.map((x) => clean(x, 40)),
    tags: f.tags.map((x) => clean(x, 100)),
    url: clean(f.url, 2000),
    helpUri: clean(f.helpUri, 2000),
    suppressed: f.suppressed,
    suppressions: f.suppressions.map((s) => ({ kind: clean(s.kind, 40), status: clean(s.status, 40), justification: clean(s.justification, 1000), expires: clean(s.expires, 40) })),
    baselineState: f.baselineState ?? '',
    fingerprint: clean(f.fingerprint, 100),
  };
}
