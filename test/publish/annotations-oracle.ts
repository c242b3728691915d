/**
 * TEST ORACLE: annotationLines as it was before it kept compact per-class state (one Candidate
 * with its result per class, all sorted). The new one must write the same lines.
 */
import type { Log, Result, Run } from 'sarif';
import { ANNOTATIONS_PER_LEVEL, repoPath } from '../../src/publish/github.js';
import { eachResult, isSuppressed, locationUri, props, severityOf, toolName } from '../../src/sarif/props.js';
import { rank, type Severity } from '../../src/sarif/severity.js';
import { workflowCommand } from '../../src/text/escape-workflow.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';

function levelOf(s: Severity): AnnotationLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'notice';
}

interface Candidate {
  run: Run;
  result: Result;
  severity: Severity;
}

/**
 * Workflow-command lines for the findings, most severe first, one per distinct issue (the
 * same CVE from two tools is one annotation), at most 10 per level — with one notice saying
 * how many more there are, so nobody mistakes the 10 shown for all of them.
 */
export function oracleAnnotationLines(log: Log, opts: { pathPrefix?: string } = {}): string[] {
  const classes = new Map<string, Candidate>();
  for (const { run, runIndex, resultIndex, result } of eachResult(log)) {
    if (isSuppressed(result)) continue;
    const key = result.correlationGuid ?? `${runIndex}:${resultIndex}`;
    const c: Candidate = { run, result, severity: severityOf(result) };
    const prev = classes.get(key);
    if (!prev || rank(c.severity) > rank(prev.severity)) classes.set(key, c);
  }
  // Severity, then GitHub's security-severity score (CVSS 9.8 before 9.1), then report order (stable sort).
  const score = (c: Candidate) => Number(props(c.result)['security-severity'] ?? 0) || 0;
  const sorted = [...classes.values()].sort((a, b) => rank(b.severity) - rank(a.severity) || score(b) - score(a));
  const shown: Record<AnnotationLevel, string[]> = { error: [], warning: [], notice: [] };
  let hidden = 0;
  for (const c of sorted) {
    const level = levelOf(c.severity);
    if (shown[level].length < ANNOTATIONS_PER_LEVEL) shown[level].push(annotation(level, c, opts.pathPrefix ?? ''));
    else hidden++;
  }
  if (hidden > 0 && shown.notice.length === ANNOTATIONS_PER_LEVEL) {
    shown.notice.pop();
    hidden++;
  }
  const lines = [...shown.error, ...shown.warning];
  if (hidden > 0) {
    lines.push(
      workflowCommand('notice', { title: 'secgate' }, `${hidden} more finding${hidden === 1 ? ' is' : 's are'} not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} errors, warnings and notices per step, most severe first here): see the job summary or the SARIF log`),
    );
  }
  lines.push(...shown.notice);
  return lines;
}

function annotation(level: AnnotationLevel, c: Candidate, prefix: string): string {
  const p = props(c.result);
  const region = c.result.locations?.[0]?.physicalLocation?.region;
  const rel = repoPath(locationUri(c.result));
  const file = rel && prefix ? `${prefix}/${rel}` : rel;
  const pkg = p.packageName ? ` in ${p.packageName}${p.packageVersion ? `@${p.packageVersion}` : ''}` : '';
  const fix = p.fixedVersions?.length ? ` (fixed in ${p.fixedVersions.join(', ')})` : '';
  const text = c.result.message.text ?? c.result.message.markdown ?? c.result.ruleId ?? 'finding';
  const message = `${truncate(text, 1500)}${pkg}${fix}`;
  return workflowCommand(
    level,
    {
      file,
      line: file ? region?.startLine : undefined,
      endLine: file && region?.endLine && region.endLine !== region.startLine ? region.endLine : undefined,
      col: file && region?.startLine ? region.startColumn : undefined,
      endColumn: file && region?.startLine && (!region.endLine || region.endLine === region.startLine) ? region.endColumn : undefined,
      title: truncate(`${c.severity} ${c.result.ruleId ?? ''} [${toolName(c.run)}]`, 200),
    },
    message,
  );
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

