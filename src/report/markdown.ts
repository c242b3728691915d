import type { Log } from 'sarif';
import { readVerdict, type FindingRef, type Reason, type Verdict } from '../policy/verdict.js';
import { SEVERITIES, type Severity } from '../sarif/severity.js';
import { summarise, sumCounts, type Summary } from '../sarif/summary.js';
import { forMarkdown, forMarkdownCode } from '../text/escape.js';
import { VERSION } from '../version.js';
import { displayUri } from './console.js';
import { FirstSorted } from '../policy/top.js';
import { bySeverity, eachFinding, expiringWaivers, isOpen, type FindingView } from './findings.js';
import type { Reporter } from './types.js';

export interface MarkdownOptions {
  /**
   * Hard ceiling on the output, counted in UTF-8 bytes (which is never less than the number of
   * characters), so one number serves GitHub's 65,536-character comment limit and its 1 MiB
   * step-summary limit. Over it, the summary is cut at a line and ends with a note.
   */
  maxChars: number;
  /** Heading text (escaped); default "secgate". */
  title?: string;
  /** Findings listed under each violated rule / section (default 10). */
  detailsLimit?: number;
  /** The clock for "waivers expiring soon" (default: list every dated waiver). */
  now?: Date;
  /** This log's findings already tallied (same detailsLimit): rendering then reads no finding. */
  tally?: MarkdownTally;
}

/** GitHub's limit for an issue or PR comment body. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
/** GitHub's limit for one step's $GITHUB_STEP_SUMMARY (1 MiB). */
export const GITHUB_STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

export const markdownReporter: Reporter = {
  format: 'markdown',
  description: 'Markdown summary for the GitHub job summary or a PR/MR comment (kept under GitHub\'s size limits)',
  extension: 'md',
  render(log, opts) {
    return renderMarkdown(log, { maxChars: opts.maxChars ?? GITHUB_COMMENT_MAX_CHARS, title: opts.title, now: opts.now });
  },
};

const ICON = { pass: '✅', fail: '❌', error: '⛔', none: '❔' } as const;

/**
 * The summary people read in a job summary or a PR/MR: verdict first, then the severity × tool
 * table, the violated rules with their top findings, warnings, new/fixed against the baseline,
 * and waivers about to expire. Every piece of scanner text goes through forMarkdown/forMarkdownCode.
 */
export function renderMarkdown(log: Log, opts: MarkdownOptions): string {
  const verdict = readVerdict(log);
  const summary = verdict?.summary ?? summarise(log);
  const limit = limitOf(opts.detailsLimit);
  const t = opts.tally?.limit === limit ? opts.tally : MarkdownTally.of(log, limit);
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
    const open = t.open;
    if (open.count) {
      lines.push('### Top findings', '', ...findingTable(open.kept.map(refOf)));
      if (open.count > limit) lines.push('', `_… and ${open.count - limit} more._`);
      lines.push('');
    }
  }

  lines.push(...baselineBlock(verdict, t, limit));
  lines.push(...(verdict?.waivers ? verdictWaiverBlock(verdict.waivers, limit) : waiverBlock(t.dated, limit, opts.now)));
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

type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

/**
 * What the summary needs of a log's findings, kept from one pass over them (add each, in the log's
 * order): a spooled log is read once, not once per render, and no more findings are held than the
 * tables show. A caller that walks the log anyway (annotations) feeds it and passes it to renderMarkdown.
 */
export class MarkdownTally {
  /** Open findings (isOpen), the first `limit` by bySeverity: the no-verdict "Top findings". */
  readonly open: FirstSorted<FindingView>;
  /** Findings with a baselineState, and how many of each. */
  withState = 0;
  readonly states: Record<BaselineState, number> = { new: 0, unchanged: 0, updated: 0, absent: 0 };
  /** New and not suppressed; absent (fixed). */
  readonly fresh: FirstSorted<FindingView>;
  readonly fixed: FirstSorted<FindingView>;
  /** Findings with a dated suppression, in order (waiverBlock's input; kept only without the verdict's waiver account). */
  readonly dated: FindingView[] = [];
  readonly limit: number;
  private readonly withDated: boolean;

  constructor(log: Log, detailsLimit?: number) {
    this.limit = limitOf(detailsLimit);
    this.open = new FirstSorted(this.limit, bySeverity);
    this.fresh = new FirstSorted(this.limit, bySeverity);
    this.fixed = new FirstSorted(this.limit, bySeverity);
    this.withDated = !readVerdict(log)?.waivers;
  }

  /** Every finding of `log`, tallied. */
  static of(log: Log, detailsLimit?: number): MarkdownTally {
    const t = new MarkdownTally(log, detailsLimit);
    for (const f of eachFinding(log)) t.add(f);
    return t;
  }

  add(f: FindingView): void {
    if (isOpen(f)) this.open.add(f);
    const st = f.baselineState;
    if (st) {
      this.withState++;
      if (Object.prototype.hasOwnProperty.call(this.states, st)) this.states[st as BaselineState]++;
      if (st === 'new' && !f.suppressed) this.fresh.add(f);
      else if (st === 'absent') this.fixed.add(f);
    }
    if (this.withDated && f.suppressions.some((x) => x.expires)) this.dated.push(f);
  }
}

const limitOf = (detailsLimit: number | undefined) => Math.max(1, detailsLimit ?? 10);

/** New vs fixed vs unchanged: the verdict's own account when the gate had a baseline, else the results' baselineState. */
function baselineBlock(verdict: Verdict | undefined, t: MarkdownTally, limit: number): string[] {
  const info = verdict?.baseline;
  if (!t.withState && !info) return [];
  const count = (st: BaselineState) => info?.counts[st] ?? t.states[st];
  const out = [
    `### Against the baseline${info?.against ? ` (${forMarkdown(info.against, 200)})` : ''}`,
    '',
    `🆕 **${count('new')}** new · ${count('updated')} updated · ${count('unchanged')} unchanged · ✔️ **${count('absent')}** fixed (absent since the baseline)`,
    '',
  ];
  const fresh = t.fresh;
  if (fresh.count) {
    out.push('New findings:', '', ...findingTable(fresh.kept.map(refOf)), '');
    if (fresh.count > limit) out.push(`_… and ${fresh.count - limit} more new._`, '');
  }
  const fixed = info?.fixed ?? t.fixed.kept.map(refOf);
  const fixedCount = info?.fixed ? info.fixed.length : t.fixed.count;
  if (fixedCount) {
    out.push('Fixed:', '', ...findingTable(fixed.slice(0, limit)), '');
    if (fixedCount > limit) out.push(`_… and ${fixedCount - limit} more fixed._`, '');
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
export function fit(lines: string[], maxChars: number): string {
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
