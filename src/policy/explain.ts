import type { Result, Run } from 'sarif';
import { forTerminalLine } from '../text/escape.js';
import { findingRef, importance } from './evaluate.js';
import { firstSorted } from './top.js';
import type { FindingRef, Reason, Verdict } from './verdict.js';
import type { WaiverStatus } from './waivers.js';

/** Results the baseline had and this run does not (absent): fixed. Most severe first. */
export function fixedFindingsOf(absent: readonly { run: Run; result: Result }[], top = 50): FindingRef[] {
  // Only the `top` named are sorted and turned into FindingRefs.
  return firstSorted(absent.keys(), top, (a, b) => importance(absent[a]!.run, absent[a]!.result, absent[b]!.run, absent[b]!.result)).map((i) => findingRef(absent[i]!.run, absent[i]!.result));
}

export interface ExplainOptions {
  /** Only what the console table does not already say (waivers, VEX, baseline): the end of `check`. */
  extrasOnly?: boolean;
  /** How many waivers/fixed findings to list per section. */
  top?: number;
}

/**
 * The verdict in words, for a terminal: why it failed (each violated rule and the findings that
 * tripped it), or for a pass what was waived, expires soon, is stale, or only warned. Everything
 * from the log is hostile text: escaped for the terminal, one line each.
 */
export function renderExplain(verdict: Verdict, opts: ExplainOptions = {}): string {
  const top = opts.top ?? 10;
  const out: string[] = [];
  if (!opts.extrasOnly) {
    const head =
      verdict.status === 'pass' ? 'PASS — the policy holds' : verdict.status === 'fail' ? `FAIL — ${verdict.reasons.length} policy rule${verdict.reasons.length === 1 ? '' : 's'} violated` : 'ERROR — no verdict possible';
    out.push(head);
    if (verdict.reasons.length) {
      out.push('', verdict.status === 'error' ? 'Why no verdict:' : 'Why it fails:');
      for (const r of verdict.reasons) out.push(...reasonLines(r, top));
    }
    const warned = verdict.warnings.filter((w) => !w.code.startsWith('waiver-'));
    if (warned.length) {
      out.push('', 'Warnings (not failing the build):');
      for (const w of warned) out.push(...reasonLines(w, top));
    }
  }
  const b = verdict.baseline;
  if (b) {
    out.push('', `Compared with ${line(b.against)}: ${b.counts.new} new, ${b.counts.unchanged} unchanged, ${b.counts.updated} updated, ${b.counts.absent} fixed`);
    for (const f of b.fixed.slice(0, top)) out.push(`  ✓ fixed ${findingLine(f)}`);
    if (b.fixed.length > top) out.push(`    … and ${b.counts.absent - top} more fixed`);
  }
  const waivers = verdict.waivers ?? [];
  const section = (title: string, ws: WaiverStatus[], say: (w: WaiverStatus) => string) => {
    if (!ws.length) return;
    out.push('', `${title} (${ws.length}):`);
    for (const w of ws.slice(0, top)) out.push(`  ${say(w)}`);
    if (ws.length > top) out.push(`  … and ${ws.length - top} more`);
  };
  // At the end of `check` the console already listed expired, expiring and stale waivers as warnings.
  const by = (s: WaiverStatus['state']) => (opts.extrasOnly && s !== 'active' && s !== 'no-expiry' ? [] : waivers.filter((w) => w.state === s));
  section('Expired waivers (no longer applied)', by('expired'), (w) => `✗ ${waiverLine(w)} — expired ${w.expires}${w.matched ? `, ${w.matched} finding${w.matched === 1 ? '' : 's'} count again` : ''}`);
  section('Waivers expiring soon', by('expiring'), (w) => `! ${waiverLine(w)} — expires ${w.expires} (in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'}), waives ${w.matched}`);
  section('Stale waivers (matched nothing: remove them)', by('stale'), (w) => `? ${waiverLine(w)}`);
  section('Waived', by('active'), (w) => `· ${waiverLine(w)} — until ${w.expires}, waives ${w.matched}`);
  section('Waived by scanner ignore files with no expiry', by('no-expiry'), (w) => `· ${waiverLine(w)} — no expiry, waives ${w.matched}`);
  const vex = (verdict.vex ?? []).filter((v) => v.statements);
  if (vex.length) {
    out.push('', 'VEX:');
    for (const v of vex) out.push(`  ${line(v.document)} (${v.format}): ${v.suppressing} of ${v.statements} statements suppress; ${v.applied} finding${v.applied === 1 ? '' : 's'} suppressed`);
  }
  return out.length ? `${out.join('\n').replace(/^\n/, '')}\n` : '';
}

function reasonLines(r: Reason, top: number): string[] {
  const lines = [`  ${r.rule ? `${line(r.rule)}: ` : ''}${line(r.message, 400)}`];
  const shown = (r.findings ?? []).slice(0, top);
  for (const f of shown) lines.push(`    ${findingLine(f)}`);
  const total = Math.max(r.count ?? 0, r.findings?.length ?? 0);
  if (total > shown.length) lines.push(`    … and ${total - shown.length} more`);
  return lines;
}

function findingLine(f: FindingRef): string {
  const where = f.location ? ` at ${line(displayUri(f.location), 100)}${f.line ? `:${f.line}` : ''}` : '';
  const pkg = f.package ? ` in ${line(f.package, 80)}` : '';
  const fix = f.fixedVersions?.length ? ` → fix: ${line(f.fixedVersions.join(', '), 60)}` : '';
  const state = f.baselineState && f.baselineState !== 'absent' ? ` (${f.baselineState})` : '';
  return `${f.severity.padEnd(8)} ${line(f.ruleId, 80)}${pkg} [${line(f.tool, 30)}]${where}${fix}${state}`;
}

function waiverLine(w: WaiverStatus): string {
  const who = [w.owner ? `owner ${w.owner}` : '', w.ticket ? `ticket ${w.ticket}` : ''].filter(Boolean).join(', ');
  return `${line(w.origin, 80)}: ${line(w.scope, 120)} — "${line(w.reason, 120)}"${who ? ` (${line(who, 80)})` : ''}`;
}

/** Artifact URIs are percent-encoded; people read paths. */
function displayUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

function line(s: string, max = 200): string {
  return forTerminalLine(s, max);
}
