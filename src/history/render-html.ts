import { SEVERITIES, type Severity } from '../sarif/severity.js';
import { forHtml } from '../text/escape.js';
import { formatHours } from './render-markdown.js';
import type { Trend } from './trend.js';

const COLORS: Record<Severity, string> = { critical: '#8b0000', high: '#d9480f', medium: '#e8a200', low: '#2b8a3e', info: '#868e96' };

/**
 * A self-contained HTML page (no script, no external resource): a stacked area-free SVG line
 * chart of open issues per severity, and the new/fixed table. Opens from a CI artifact as is.
 */
export function renderTrendHtml(t: Trend, title = 'secgate — security findings over time'): string {
  const W = 760;
  const H = 260;
  const pad = 40;
  const n = t.rows.length;
  const max = Math.max(1, ...t.rows.map((r) => Math.max(...SEVERITIES.map((s) => r.counts[s] ?? 0))));
  const x = (i: number) => pad + (n <= 1 ? (W - 2 * pad) / 2 : (i * (W - 2 * pad)) / (n - 1));
  const y = (v: number) => H - pad - (v * (H - 2 * pad)) / max;
  const lines = SEVERITIES.map((s) => {
    const pts = t.rows.map((r, i) => `${x(i).toFixed(1)},${y(r.counts[s] ?? 0).toFixed(1)}`).join(' ');
    const dots = t.rows.map((r, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(r.counts[s] ?? 0).toFixed(1)}" r="3" fill="${COLORS[s]}"><title>${forHtml(`${r.time} ${s}: ${r.counts[s] ?? 0}`)}</title></circle>`).join('');
    return `<polyline fill="none" stroke="${COLORS[s]}" stroke-width="2" points="${pts}"/>${dots}`;
  }).join('\n');
  const legend = SEVERITIES.map((s, i) => `<rect x="${pad + i * 110}" y="8" width="12" height="12" fill="${COLORS[s]}"/><text x="${pad + i * 110 + 16}" y="18" font-size="12">${s}</text>`).join('');
  const axis = `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#999"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#999"/><text x="4" y="${pad + 4}" font-size="11">${max}</text><text x="4" y="${H - pad}" font-size="11">0</text>`;
  const rows = t.rows
    .map((r) => `<tr><td>${forHtml(r.time)}</td><td><code>${forHtml((r.commit ?? '').slice(0, 12))}</code></td><td>${forHtml(r.verdict)}</td>${SEVERITIES.map((s) => `<td>${r.counts[s] ?? 0}</td>`).join('')}<td>${r.total}</td><td>${r.new}</td><td>${r.fixed}</td></tr>`)
    .join('\n');
  const mttf = SEVERITIES.filter((s) => t.mttfHours[s]).map((s) => `<tr><td>${s}</td><td>${formatHours(t.mttfHours[s]!.mean)}</td><td>${t.mttfHours[s]!.fixed}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${forHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>${forHtml(title)}</h1>
${n ? `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="open issues per severity over time">${legend}${axis}\n${lines}</svg>` : '<p>No history yet.</p>'}
<h2>Per run</h2>
<table><thead><tr><th>time</th><th>commit</th><th>verdict</th>${SEVERITIES.map((s) => `<th>${s}</th>`).join('')}<th>total</th><th>new</th><th>fixed</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Mean time to fix</h2>
${mttf ? `<table><thead><tr><th>severity</th><th>mean</th><th>fixed</th></tr></thead><tbody>${mttf}</tbody></table>` : '<p>No issue was fixed within this history.</p>'}
</body></html>
`;
}
