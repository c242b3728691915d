import { Chalk, type ChalkInstance } from 'chalk';
import type { Log } from 'sarif';
import { readVerdict, type FindingRef, type Reason, type Verdict } from '../policy/verdict.js';
import { SEVERITIES, type Severity } from '../sarif/severity.js';
import { summarise, sumCounts } from '../sarif/summary.js';
import { forTerminalLine } from '../text/escape.js';
import { bySeverity, eachFinding, isOpen, type FindingView } from './findings.js';
import type { RenderOptions, Reporter } from './types.js';
import { FirstSorted } from '../policy/top.js';
import { isSpooled, type SpooledResults } from '../sarif/spooled-types.js';

/** The one screen: tool × severity table, distinct count after merging, verdict and reasons. */
export const consoleReporter: Reporter = {
  format: 'console',
  description: 'table of findings per tool and severity, the verdict and its reasons (default on a terminal)',
  extension: 'txt',
  render(log, opts) {
    return renderConsole(log, opts);
  },
};

const SEV_LABEL: Record<Severity, string> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' };

export function renderConsole(log: Log, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const verdict = readVerdict(log);
  const summary = verdict?.summary ?? summarise(log);
  const out: string[] = [];
  const line = verdictLine(c, verdict, summary.distinctTotal);
  if (opts.quiet) return `${line}\n`;

  const header = ['tool', ...SEVERITIES.map((s) => SEV_LABEL[s]), 'suppressed'];
  const rows: string[][] = summary.tools.map((t) => [
    `${forTerminalLine(t.tool, 40)}${t.succeeded ? '' : t.optional ? ' (failed, optional)' : ' (FAILED)'}`,
    ...SEVERITIES.map((s) => String(t.counts[s])),
    String(t.suppressed),
  ]);
  rows.push(['all tools', ...SEVERITIES.map((s) => String(summary.total[s])), String(summary.suppressed)]);
  rows.push(['distinct', ...SEVERITIES.map((s) => String(summary.distinct[s])), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[], style?: (s: string, i: number) => string) =>
    cells.map((cell, i) => {
      const padded = i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
      return style ? style(padded, i) : padded;
    }).join('  ');
  const sevColor = (s: string, i: number, raw: string) => {
    const sev = SEVERITIES[i - 1];
    if (!sev || raw === '0') return raw === '0' ? c.dim(s) : s;
    return sev === 'critical' ? c.red.bold(s) : sev === 'high' ? c.red(s) : sev === 'medium' ? c.yellow(s) : s;
  };
  out.push(c.bold(fmt(header)));
  rows.forEach((r, ri) => {
    const styled = fmt(r, (s, i) => sevColor(s, i, r[i]!));
    out.push(ri >= rows.length - 2 ? c.bold(styled) : styled);
  });
  const merged = sumCounts(summary.total) - summary.distinctTotal;
  out.push(
    c.dim(
      `${summary.distinctTotal} distinct issue${summary.distinctTotal === 1 ? '' : 's'} from ${sumCounts(summary.total)} findings` +
        (merged > 0 ? ` (${merged} duplicate sighting${merged === 1 ? '' : 's'} merged across tools/paths; ${summary.sharedAcrossTools} seen by more than one tool)` : ''),
    ),
  );
  const base = baselineLine(verdict, log);
  if (base) out.push(c.dim(base));
  out.push('');
  out.push(line);
  if (verdict) {
    for (const r of verdict.reasons) out.push(...reasonLines(c, r, c.red('✗')));
    for (const w of verdict.warnings) out.push(...reasonLines(c, w, c.yellow('!')));
  }
  // Nothing named the findings (no verdict, or a pass): still show the worst few.
  if (!verdict?.reasons.length) {
    // Flattened only here (a pass, or a log without a verdict), and only the worst TOP sorted.
    const { shown, count } = opts.topOpen ? opts.topOpen(TOP) : topFromLog(log);
    if (count) {
      out.push(c.bold(`  top findings${count > TOP ? ` (${TOP} of ${count})` : ''}:`));
      out.push(...reasonLines(c, { code: 'top', message: '', findings: shown, count }, '').slice(1));
    }
  }
  return `${out.join('\n')}\n`;
}

const TOP = 5;

/** The worst TOP open findings and how many are open, from one lazy walk (a spooled run is not indexable). */
function topFromLog(log: Log): { shown: FindingRef[]; count: number } {
  const top = new FirstSorted(TOP, bySeverity);
  for (const f of eachFinding(log)) if (isOpen(f)) top.add(f);
  return { shown: top.kept.map(refOf), count: top.count };
}


function refOf(f: FindingView): FindingRef {
  return { tool: f.tool, ruleId: f.ruleId, severity: f.severity, message: f.message, package: f.package, location: f.uri ?? f.url, line: f.line, fixedVersions: f.fixedVersions };
}

/** "against baseline …: 3 new · 1 fixed …" — the verdict's account, else the results' baselineState. */
function baselineLine(v: Verdict | undefined, log: Log): string | undefined {
  const states = v?.baseline ? undefined : baselineStates(log);
  if (!v?.baseline && !states?.size) return undefined;
  const n = (st: 'new' | 'unchanged' | 'updated' | 'absent') => v?.baseline?.counts[st] ?? states?.get(st) ?? 0;
  const against = v?.baseline?.against ? ` (${forTerminalLine(v.baseline.against, 80)})` : '';
  return `against the baseline${against}: ${n('new')} new · ${n('updated')} updated · ${n('unchanged')} unchanged · ${n('absent')} fixed`;
}

/** How many results have each baselineState (none set: an empty map). */
function baselineStates(log: Log): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (state: string | undefined) => {
    if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
  };
  for (const run of log.runs) {
    const results = run.results;
    // A spooled run (src/sarif/spooled.ts) knows each result's state without reading it back.
    if (isSpooled(results)) {
      const spooled: SpooledResults = results;
      const stateAt = spooled.baselineStateAt?.bind(spooled) ?? ((i: number) => spooled.at(i).baselineState);
      for (let i = 0; i < spooled.count; i++) add(stateAt(i));
      for (const r of spooled.extras) add(r.baselineState);
    } else for (const r of results ?? []) add(r.baselineState);
  }
  return counts;
}

function verdictLine(c: ChalkInstance, v: Verdict | undefined, distinct: number): string {
  if (!v) return `${c.bold('no verdict')} in this log (${distinct} distinct issues)`;
  switch (v.status) {
    case 'pass':
      return `${c.green.bold('PASS')} — the policy holds${v.warnings.length ? ` (${v.warnings.length} warning${v.warnings.length === 1 ? '' : 's'})` : ''}`;
    case 'fail':
      return `${c.red.bold('FAIL')} — ${v.reasons.length} policy rule${v.reasons.length === 1 ? '' : 's'} violated`;
    default:
      return `${c.red.bold('ERROR')} — no verdict possible: ${noVerdictWhy(v)}`;
  }
}

function reasonLines(c: ChalkInstance, r: Reason, mark: string): string[] {
  const lines = [`  ${mark} ${r.rule ? `${c.bold(forTerminalLine(r.rule))}: ` : ''}${forTerminalLine(r.message, 300)}`];
  for (const f of r.findings ?? []) {
    const where = f.location ? ` ${forTerminalLine(displayUri(f.location), 80)}${f.line ? `:${f.line}` : ''}` : '';
    const pkg = f.package ? ` ${forTerminalLine(f.package, 60)}` : '';
    const fix = f.fixedVersions?.length ? c.green(` → fix: ${forTerminalLine(f.fixedVersions.join(', '), 60)}`) : '';
    lines.push(`      ${f.severity.padEnd(8)} ${forTerminalLine(f.ruleId, 60)}${pkg} ${c.dim(`[${forTerminalLine(f.tool, 20)}]`)}${where}${fix}`);
  }
  if ((r.count ?? 0) > (r.findings?.length ?? 0)) lines.push(c.dim(`      … and ${(r.count ?? 0) - (r.findings?.length ?? 0)} more (see the SARIF log or \`secgate explain\`)`));
  return lines;
}

/** Artifact URIs are percent-encoded; people read paths. */
export function displayUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/** Why there is no verdict: failed scanners and/or required scans that did not run. */
function noVerdictWhy(v: Verdict): string {
  const failed = v.reasons.filter((r) => r.code === 'scanner-failed').length;
  const missing = v.reasons.filter((r) => r.code === 'required-scan-missing').length;
  const nothing = v.reasons.some((r) => r.code === 'nothing-scanned');
  const parts = [failed ? `${failed} scanner(s) failed` : '', missing ? `${missing} required scan(s) missing` : '', nothing ? 'no scanner completed' : ''].filter(Boolean);
  return parts.join(', ') || 'see the reasons below';
}
