/**
 * The HTML report's script, inlined and allowed by its CSP hash. It reads the data from the
 * `<script type="application/json">` element and builds every node with createElement and
 * textContent — never innerHTML — so no scanner text is ever parsed as HTML.
 */
export const HTML_SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('secgate-data').textContent);
  const SEV = ['critical', 'high', 'medium', 'low', 'info'];
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  function el(tag, props, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') n.className = v; else if (k === 'text') n.textContent = v; else n.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) n.append(c);
    return n;
  }
  function svg(tag, attrs, text) {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }
  const plural = (n, w) => n + ' ' + w + (n === 1 ? '' : 's');

  // Verdict
  const v = data.verdict;
  const badge = $('verdict');
  badge.textContent = v ? v.status.toUpperCase() : 'NO VERDICT';
  badge.className = 'verdict ' + (v ? v.status : 'none');
  $('headline').textContent = data.headline;
  const reasons = $('reasons');
  for (const r of (v ? v.reasons : [])) reasons.append(el('li', { class: 'reason' }, el('strong', { text: r.rule || r.code }), ': ' + r.message));
  for (const r of (v ? v.warnings : [])) reasons.append(el('li', { class: 'warning' }, el('strong', { text: '⚠ ' + (r.rule || r.code) }), ': ' + r.message));

  // Charts: findings by severity, and by tool stacked by severity (open findings only)
  const open = data.findings.filter((f) => !f.suppressed && f.baselineState !== 'absent');
  const bySev = Object.fromEntries(SEV.map((s) => [s, open.filter((f) => f.severity === s).length]));
  (function severityChart() {
    const W = 380, row = 26, max = Math.max(1, ...SEV.map((s) => bySev[s]));
    const g = svg('svg', { width: W, height: row * SEV.length + 8, role: 'img', 'aria-label': 'Findings by severity', id: 'svg-severity' });
    SEV.forEach((s, i) => {
      const y = i * row + 4;
      g.append(svg('text', { x: 0, y: y + 15 }, s));
      g.append(svg('rect', { x: 70, y, height: 18, width: Math.max(bySev[s] ? 2 : 0, (W - 130) * bySev[s] / max), class: 'sev-' + s, 'data-severity': s }));
      g.append(svg('text', { x: 76 + (W - 130) * bySev[s] / max, y: y + 15, class: 'count', 'data-severity': s }, String(bySev[s])));
    });
    $('chart-severity').append(g);
  })();
  (function toolChart() {
    const tools = data.tools;
    const W = 520, row = 26, label = 170;
    const totals = tools.map((t) => SEV.reduce((n, s) => n + t.counts[s], 0));
    const max = Math.max(1, ...totals);
    const g = svg('svg', { width: W, height: row * Math.max(1, tools.length) + 8, role: 'img', 'aria-label': 'Findings by tool and severity', id: 'svg-tools' });
    tools.forEach((t, i) => {
      const y = i * row + 4;
      const name = t.name.length > 24 ? t.name.slice(0, 23) + '…' : t.name;
      g.append(svg('text', { x: 0, y: y + 15 }, name + (t.succeeded ? '' : ' ✗')));
      let x = label;
      for (const s of SEV) {
        const w = (W - label - 50) * t.counts[s] / max;
        if (w > 0) {
          const r = svg('rect', { x, y, width: w, height: 18, class: 'sev-' + s });
          r.append(svg('title', {}, t.name + ': ' + t.counts[s] + ' ' + s));
          g.append(r);
        }
        x += w;
      }
      g.append(svg('text', { x: x + 6, y: y + 15, class: 'count' }, String(totals[i])));
    });
    $('chart-tools').append(g);
  })();

  // Tool × severity table
  const tbody = $('tools-table').tBodies[0];
  const cells = (label, counts, extra) => el('tr', {}, el('td', {}, label), ...SEV.map((s) => el('td', { class: 'num', text: String(counts[s]) })), el('td', { class: 'num', text: extra }));
  for (const t of data.tools) tbody.append(cells(el('span', { class: 'mono', text: t.name + (t.category ? ' (' + t.category + ')' : '') + (t.succeeded ? '' : t.optional ? ' — failed (optional)' : ' — FAILED') }), t.counts, String(t.suppressed)));
  if (data.summary) {
    tbody.append(cells(el('strong', { text: 'all tools' }), data.summary.total, String(data.summary.suppressed)));
    tbody.append(cells(el('strong', { text: 'distinct' }), data.summary.distinct, ''));
  }

  // Filters
  const toolSel = $('f-tool'), kindSel = $('f-kind');
  for (const t of [...new Set(data.findings.map((f) => f.tool))].sort()) toolSel.append(el('option', { value: t, text: t }));
  for (const k of [...new Set(data.findings.map((f) => f.kind).filter(Boolean))].sort()) kindSel.append(el('option', { value: k, text: k }));

  // Findings
  const list = $('findings');
  const rows = data.findings.map((f) => {
    const where = f.location ? f.location + (f.line ? ':' + f.line : '') : (f.url || '');
    const summary = el('summary', {},
      el('span', {}, el('span', { class: 'badge sev-' + f.severity, text: f.severity })),
      el('code', { class: 'rule', text: f.ruleId }),
      el('span', { class: 'msg', text: f.message.split('\\n')[0].slice(0, 300) }),
      el('span', { class: 'mono where', text: where }),
      el('span', { class: 'tool', text: f.tool }));
    const dl = el('dl');
    const add = (k, val) => { if (val !== undefined && val !== null && val !== '' && !(Array.isArray(val) && !val.length)) dl.append(el('dt', { text: k }), el('dd', { text: Array.isArray(val) ? val.join(', ') : String(val) })); };
    add('Rule', f.ruleId); add('Rule name', f.ruleName); add('Message', f.message); add('Location', where);
    add('Package', f.package); add('Fixed in', f.fixedVersions.length ? f.fixedVersions : (f.package ? 'no fix available' : ''));
    add('CWE', f.cwe); add('URL', f.url); add('More', f.helpUri); add('Tool', f.tool + (f.category ? ' (' + f.category + ')' : ''));
    add('Kind', f.kind); add('Baseline', f.baselineState === 'absent' ? 'absent (fixed since the baseline)' : f.baselineState);
    for (const s of f.suppressions) add('Suppression', s.kind + (s.status ? ' (' + s.status + ')' : '') + (s.justification ? ': ' + s.justification : '') + (s.expires ? ' — until ' + s.expires : ''));
    if (f.tags.length) { const dd = el('dd'); for (const t of f.tags) dd.append(el('span', { class: 'tag', text: t })); dl.append(el('dt', { text: 'Tags' }), dd); }
    add('Fingerprint', f.fingerprint);
    const d = el('details', { class: 'finding' + (f.suppressed ? ' suppressed' : '') }, summary, dl);
    d.dataset.index = String(f.index);
    list.append(d);
    return { f, d, text: [f.ruleId, f.ruleName, f.message, where, f.package, f.tool, f.cwe.join(' '), f.tags.join(' ')].join('\\n').toLowerCase() };
  });

  function apply() {
    const sev = new Set(SEV.filter((s) => $('f-sev-' + s).checked));
    const tool = toolSel.value, kind = kindSel.value, state = $('f-state').value;
    const q = $('f-text').value.trim().toLowerCase();
    const showSuppressed = $('f-suppressed').checked;
    let shown = 0;
    for (const r of rows) {
      const f = r.f;
      const ok = sev.has(f.severity) && (!tool || f.tool === tool) && (!kind || f.kind === kind) && (showSuppressed || !f.suppressed)
        && (state === 'all' ? f.baselineState !== 'absent' : state === 'fixed' ? f.baselineState === 'absent' : f.baselineState === state)
        && (!q || r.text.includes(q));
      r.d.hidden = !ok;
      if (ok) shown++;
    }
    $('shown').textContent = shown + ' of ' + plural(rows.length, 'finding') + ' shown';
    $('no-match').hidden = shown !== 0;
  }
  for (const id of ['f-tool', 'f-kind', 'f-state', 'f-suppressed', ...SEV.map((s) => 'f-sev-' + s)]) $(id).addEventListener('change', apply);
  $('f-text').addEventListener('input', apply);
  apply();
  document.body.dataset.ready = 'true';
})();
`;
