/**
 * TEST ORACLE: renderMarkdown as it was before the summary walked findings lazily (every
 * FindingView materialised, whole lists filtered and sorted). The new one must render the same bytes.
 */
import type { Log } from 'sarif';
import { readVerdict, type FindingRef, type Reason, type Verdict } from '../../src/policy/verdict.js';
import { SEVERITIES, type Severity } from '../../src/sarif/severity.js';
import { summarise, sumCounts, type Summary } from '../../src/sarif/summary.js';
import { forMarkdown, forMarkdownCode } from '../../src/text/escape.js';
import { VERSION } from '../../src/version.js';
import { displayUri } from '../../src/report/console.js';
import { bySeverity, expiringWaivers, isOpen, type FindingView } from '../../src/report/findings.js';
import type { MarkdownOptions } from '../../src/report/markdown.js';
import { findingsOf } from './findings-oracle.js';

const ICON = { pass: '✅', fail: '❌', error: '⛔', none: '❔' } as const;

/**
 * The summary people read in a job summary or a PR/MR: verdict first, then the severity × tool
 * table, the violated rules with their top findings, warnings, new/fixed against the baseline,
 * and waivers about to expire. Every piece of scanner text goes through forMarkdown/forMarkdownCode.
 */
export function oracleRenderMarkdown(log: Log, opts: MarkdownOptions): string {
  const verdict = readVerdict(log);
  const summary = verdict?.summary ?? summarise(log);
  const findings = findingsOf(log);
  const limit = Math.max(1, opts.detailsLimit ?? 10);
  const lines: string[] = [];
  const title = forMarkdown(opts.title ?? 'secgate', 120);

  lines.push(`## ${verdictHeading(verdict, title)}`, '');
  lines.push(countsLine(summary), '');
  lines.push(...severityTable(summary), '');

  if (verdict) {
    for (const r of verdict.reasons) lines.push(...reasonBlock(r, verdict.status === 'error' && r.code === 'scanner-failed' ? '⛔' : '❌', limit));
    if (verdict.warnings.length) {
      lines.push(`### ⚠️ Warnings`, '');
      for (const w of verdict.warnings) lines.push(...reasonBlock(w, '⚠️', limit, '####'));
    }
  } else {
    const open = findings.filter(isOpen).sort(bySeverity);
    if (open.length) {
      lines.push('### Top findings', '', ...findingTable(open.slice(0, limit).map(refOf)));
      if (open.length > limit) lines.push('', `_… and ${open.length - limit} more._`);
      lines.push('');
    }
  }

  lines.push(...baselineBlock(verdict, findings, limit));
  lines.push(...(verdict?.waivers ? verdictWaiverBlock(verdict.waivers, limit) : waiverBlock(findings, limit, opts.now)));
  lines.push(`<sub>secgate ${forMarkdown(VERSION, 40)} · the full list is in the SARIF log</sub>`);
  return fit(lines, opts.maxChars);
}

function verdictHeading(v: Verdict | undefined, title: string): string {
  if (!v) return `${ICON.none} ${title}: no verdict in this log`;
  if (v.status === 'pass') return `${ICON.pass} ${title}: PASS — the policy holds${v.warnings.length ? ` (${v.warnings.length} warning${s(v.warnings.length)})` : ''}`;
  if (v.status === 'fail') return `${ICON.fail} ${title}: FAIL — ${v.reasons.length} policy rule${s(v.reasons.length)} violated`;
  return `${ICON.error} ${title}: ERROR — no verdict possible`;
}

function countsLine(sm: Summary): string {
  const all = sumCounts(sm.total);
  const merged = all - sm.distinctTotal;
  return (
    `**${sm.distinctTotal}** distinct issue${s(sm.distinctTotal)} from ${all} finding${s(all)} across ${sm.tools.length} tool run${s(sm.tools.length)}` +
    (merged > 0 ? ` (${merged} duplicate sighting${s(merged)} merged, ${sm.sharedAcrossTools} seen by more than one tool)` : '') +
    (sm.suppressed ? ` · ${sm.suppressed} suppressed` : '')
  );
}

function severityTable(sm: Summary): string[] {
  const out = [
    `| tool | ${SEVERITIES.join(' | ')} | suppressed |`,
    `| --- | ${SEVERITIES.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const t of sm.tools) {
    const name = `${forMarkdownCode(t.tool, { max: 60 })}${t.category ? ` ${forMarkdownCode(t.category, { max: 60 })}` : ''}`;
    const state = t.succeeded ? '' : t.optional ? ' (failed, optional)' : ' **(FAILED)**';
    out.push(`| ${name}${state} | ${SEVERITIES.map((sv) => cell(t.counts[sv], sv)).join(' | ')} | ${t.suppressed} |`);
  }
  out.push(`| **all tools** | ${SEVERITIES.map((sv) => cell(sm.total[sv], sv)).join(' | ')} | ${sm.suppressed} |`);
  out.push(`| **distinct** | ${SEVERITIES.map((sv) => cell(sm.distinct[sv], sv)).join(' | ')} | |`);
  return out;
}

function cell(n: number, sv: Severity): string {
  return n > 0 && (sv === 'critical' || sv === 'high') ? `**${n}**` : String(n);
}

function reasonBlock(r: Reason, mark: string, limit: number, level = '###'): string[] {
  const head = r.rule ? `${forMarkdown(r.rule, 200)}` : forMarkdown(r.code, 80);
  const out = [`${level} ${mark} ${head}`, '', forMarkdown(r.message, 600), ''];
  const refs = (r.findings ?? []).slice(0, limit);
  if (refs.length) out.push(...findingTable(refs), '');
  const more = Math.max((r.count ?? 0), r.findings?.length ?? 0) - refs.length;
  if (more > 0) out.push(`_… and ${more} more (see the SARIF log)._`, '');
  return out;
}

function findingTable(refs: FindingRef[]): string[] {
  const out = ['| severity | finding | package | location | fix | tool |', '| --- | --- | --- | --- | --- | --- |'];
  for (const f of refs) {
    const where = f.location ? forMarkdownCode(`${displayUri(f.location)}${f.line ? `:${f.line}` : ''}`, { max: 120 }) : '';
    const what = `${forMarkdownCode(f.ruleId, { max: 80 })}${f.message ? ` ${forMarkdown(firstLine(f.message), 160)}` : ''}`;
    out.push(
      `| ${f.severity} | ${what} | ${f.package ? forMarkdownCode(f.package, { max: 80 }) : ''} | ${where} | ${f.fixedVersions?.length ? forMarkdownCode(f.fixedVersions.join(', '), { max: 60 }) : ''} | ${forMarkdown(f.tool, 40)} |`,
    );
  }
  return out;
}

function refOf(f: FindingView): FindingRef {
  return { tool: f.tool, ruleId: f.ruleId, severity: f.severity, message: f.message, package: f.package, location: f.uri, line: f.line, fixedVersions: f.fixedVersions };
}

/** New vs fixed vs unchanged: the verdict's own account when the gate had a baseline, else the results' baselineState. */
function baselineBlock(verdict: Verdict | undefined, findings: FindingView[], limit: number): string[] {
  const with_ = findings.filter((f) => f.baselineState);
  const info = verdict?.baseline;
  if (!with_.length && !info) return [];
  const count = (st: 'new' | 'unchanged' | 'updated' | 'absent') => info?.counts[st] ?? with_.filter((f) => f.baselineState === st).length;
  const out = [
    `### Against the baseline${info?.against ? ` (${forMarkdown(info.against, 200)})` : ''}`,
    '',
    `🆕 **${count('new')}** new · ${count('updated')} updated · ${count('unchanged')} unchanged · ✔️ **${count('absent')}** fixed (absent since the baseline)`,
    '',
  ];
  const fresh = with_.filter((f) => f.baselineState === 'new' && !f.suppressed).sort(bySeverity);
  if (fresh.length) {
    out.push('New findings:', '', ...findingTable(fresh.slice(0, limit).map(refOf)), '');
    if (fresh.length > limit) out.push(`_… and ${fresh.length - limit} more new._`, '');
  }
  const fixed = info?.fixed ?? with_.filter((f) => f.baselineState === 'absent').sort(bySeverity).map(refOf);
  if (fixed.length) {
    out.push('Fixed:', '', ...findingTable(fixed.slice(0, limit)), '');
    if (fixed.length > limit) out.push(`_… and ${fixed.length - limit} more fixed._`, '');
  }
  return out;
}

/** The gate's waiver account: the ones about to expire (or expired) are what someone must act on. */
function verdictWaiverBlock(waivers: NonNullable<Verdict['waivers']>, limit: number): string[] {
  const due = waivers.filter((w) => w.state === 'expiring' || w.state === 'expired').sort((a, b) => ((a.expires ?? '') < (b.expires ?? '') ? -1 : 1));
  if (!due.length) return [];
  const out = ['### ⏳ Waivers expiring soon', '', '| expires | waiver | covers | findings | reason |', '| --- | --- | --- | ---: | --- |'];
  for (const w of due.slice(0, limit)) {
    const when = `${forMarkdown(w.expires ?? '', 30)}${w.state === 'expired' ? ' **(expired)**' : w.daysLeft !== undefined ? ` (${w.daysLeft} day${s(w.daysLeft)})` : ''}`;
    out.push(`| ${when} | ${forMarkdownCode(w.origin, { max: 80 })} | ${forMarkdown(w.scope, 200)} | ${w.matched} | ${forMarkdown(w.reason, 200)} |`);
  }
  if (due.length > limit) out.push('', `_… and ${due.length - limit} more._`);
  out.push('');
  return out;
}

function waiverBlock(findings: FindingView[], limit: number, now?: Date): string[] {
  const soon = expiringWaivers(findings, now);
  if (!soon.length) return [];
  const out = [now ? '### ⏳ Waivers expiring within 30 days' : '### ⏳ Waivers by expiry date', '', '| expires | finding | location | justification |', '| --- | --- | --- | --- |'];
  for (const w of soon.slice(0, limit)) {
    const f = w.finding;
    const when = `${forMarkdown(w.expires, 30)}${w.daysLeft === undefined ? '' : w.daysLeft < 0 ? ' (expired)' : ` (${w.daysLeft} day${s(w.daysLeft)})`}`;
    const just = f.suppressions.find((x) => x.expires === w.expires)?.justification ?? '';
    const where = f.uri ? forMarkdownCode(`${displayUri(f.uri)}${f.line ? `:${f.line}` : ''}`, { max: 120 }) : '';
    out.push(`| ${when} | ${forMarkdownCode(f.ruleId, { max: 80 })}${f.package ? ` ${forMarkdownCode(f.package, { max: 80 })}` : ''} | ${where} | ${forMarkdown(just, 200)} |`);
  }
  if (soon.length > limit) out.push('', `_… and ${soon.length - limit} more._`);
  out.push('');
  return out;
}

function firstLine(t: string): string {
  const i = t.search(/\r?\n/);
  return i < 0 ? t : `${t.slice(0, i)} …`;
}

function s(n: number): string {
  return n === 1 ? '' : 's';
}

const utf8 = (t: string) => Buffer.byteLength(t, 'utf8');

/** Keep whole lines while they fit; end with a note saying what was left out. Never throws. */
function fit(lines: string[], maxChars: number): string {
  const full = `${lines.join('\n')}\n`;
  if (utf8(full) <= maxChars) return full;
  const note = (n: number) => `\n\n> [!NOTE]\n> Truncated to stay under ${maxChars} characters: ${n} more line${s(n)} not shown. The full list is in the SARIF log.\n`;
  const budget = maxChars - utf8(note(lines.length));
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = utf8(line) + 1;
    if (used + cost > budget) break;
    kept.push(line);
    used += cost;
  }
  const out = `${kept.join('\n')}${note(lines.length - kept.length)}`;
  if (utf8(out) <= maxChars) return out;
  // A limit smaller than the note itself: the shortest honest thing that fits.
  return Buffer.from('(truncated)\n').subarray(0, Math.max(0, maxChars)).toString('utf8');
}
