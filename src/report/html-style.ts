/** The HTML report's stylesheet, inlined (the report loads nothing from the network). */
export const HTML_STYLE = `
:root { --crit:#8b0000; --high:#d1242f; --med:#bf8700; --low:#0969da; --info:#6e7781; --ok:#1a7f37;
  --bg:#fff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --panel:#f6f8fa; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --panel:#151b23; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); }
main { padding: 16px 24px; max-width: 1400px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
.verdict { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 12px; color: #fff; }
.verdict.pass { background: var(--ok); } .verdict.fail { background: var(--high); } .verdict.error { background: var(--crit); } .verdict.none { background: var(--info); }
.muted { color: var(--muted); }
.reasons { margin: 8px 0 0; padding-left: 20px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.chart svg text { fill: var(--fg); font-size: 12px; }
.sev-critical { fill: var(--crit); background: var(--crit); } .sev-high { fill: var(--high); background: var(--high); }
.sev-medium { fill: var(--med); background: var(--med); } .sev-low { fill: var(--low); background: var(--low); } .sev-info { fill: var(--info); background: var(--info); }
.badge { display: inline-block; min-width: 64px; text-align: center; color: #fff; border-radius: 10px; padding: 0 6px; font-size: 12px; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; position: sticky; top: 0; }
.filters label { white-space: nowrap; }
.filters input[type=search] { min-width: 260px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
.filters select { padding: 3px 6px; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.finding summary { cursor: pointer; list-style: none; display: grid; grid-template-columns: 80px minmax(180px, 1.2fr) 2fr minmax(140px, 1fr) 120px; gap: 8px; padding: 6px 8px; border-bottom: 1px solid var(--line); }
.finding summary::-webkit-details-marker { display: none; }
.finding[open] summary { background: var(--panel); }
.finding .msg { overflow-wrap: anywhere; white-space: pre-wrap; }
.finding .tool, .finding .rule { overflow-wrap: anywhere; min-width: 0; }
.finding dl { display: grid; grid-template-columns: 140px 1fr; gap: 4px 12px; margin: 8px 8px 16px 96px; }
.finding dt { color: var(--muted); } .finding dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.tag { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; margin: 0 4px 2px 0; font-size: 12px; }
.suppressed summary { opacity: .6; }
.empty { padding: 24px; text-align: center; color: var(--muted); }
footer { padding: 16px 24px; color: var(--muted); font-size: 12px; }
`;
