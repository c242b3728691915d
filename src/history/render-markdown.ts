import { SEVERITIES } from '../sarif/severity.js';
import { forMarkdownCode } from '../text/escape.js';
import type { Trend } from './trend.js';

export function formatHours(h: number): string {
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

/** The trend as a markdown table (job summary, MR note, wiki). */
export function renderTrendMarkdown(t: Trend): string {
  const out: string[] = ['## Security findings over time', ''];
  if (!t.rows.length) return `${out.join('\n')}No history yet: run \`secgate check --history FILE\` to record one.\n`;
  out.push(`| time | commit | verdict | ${SEVERITIES.join(' | ')} | total | new | fixed |`);
  out.push(`| --- | --- | --- | ${SEVERITIES.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`);
  for (const r of t.rows) {
    const commit = r.commit ? forMarkdownCode(r.commit.slice(0, 12), { table: true }) : '';
    out.push(`| ${r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')} | ${commit} | ${r.verdict} | ${SEVERITIES.map((s) => r.counts[s] ?? 0).join(' | ')} | ${r.total} | ${r.new} | ${r.fixed} |`);
  }
  out.push('', '### Mean time to fix', '');
  const m = SEVERITIES.filter((s) => t.mttfHours[s]);
  if (!m.length) out.push('No issue was fixed within this history.');
  else {
    out.push('| severity | mean time to fix | issues fixed |', '| --- | ---: | ---: |');
    for (const s of m) out.push(`| ${s} | ${formatHours(t.mttfHours[s]!.mean)} | ${t.mttfHours[s]!.fixed} |`);
  }
  return `${out.join('\n')}\n`;
}
