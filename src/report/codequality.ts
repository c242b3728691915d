import type { Log } from 'sarif';
import { digest } from '../sarif/hash.js';
import type { Severity } from '../sarif/severity.js';
import { showInvisible, toWellFormed } from '../text/escape.js';
import { displayUri } from './console.js';
import { eachFinding, isOpen, type FindingView } from './findings.js';
import { grown } from '../io/grown.js';
import { KeyTable } from '../io/key-table.js';
import type { Reporter } from './types.js';

export const codeQualityReporter: Reporter = {
  format: 'codequality',
  description: 'GitLab Code Quality JSON (artifacts:reports:codequality; merge request widget in every tier)',
  extension: 'json',
  render(log) {
    return [...codeQualityChunks(log)].join('');
  },
  chunks(log) {
    return codeQualityChunks(log);
  },
};

/**
 * `JSON.stringify(renderCodeQuality(log), null, 2)` + '\n', one issue at a time: millions of
 * findings would pass V8's string limit as one string. An issue one level down in the array is its
 * own pretty JSON with each line indented two more spaces (JSON strings hold no raw newline).
 */
export function* codeQualityChunks(log: Log): Generator<string> {
  let first = true;
  for (const issue of codeQualityIssues(log)) {
    yield `${first ? '[\n  ' : ',\n  '}${JSON.stringify(issue, null, 2).replace(/\n/g, '\n  ')}`;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

/** One entry of GitLab's Code Quality report (a subset of the Code Climate issue spec). */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
  // Code Climate fields GitLab tolerates; kept for other Code Climate consumers.
  type: 'issue';
  categories: string[];
  engine_name: string;
}

/** secgate's five severities onto GitLab's five, in order. */
export const CODE_QUALITY_SEVERITY: Record<Severity, CodeQualityIssue['severity']> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
  info: 'info',
};

/**
 * Every open finding (not suppressed, not fixed) as a Code Quality issue. GitLab compares the
 * fingerprints of the source and target branch reports to say what is new or resolved, so a
 * fingerprint must be stable across runs (secgate's line-independent one, scoped by tool and
 * path) and unique in the report (a repeat gets its occurrence number mixed in).
 */
export function renderCodeQuality(log: Log): CodeQualityIssue[] {
  return [...codeQualityIssues(log)];
}

/** renderCodeQuality's issues one by one, from one lazy walk (a spooled log is read sequentially). */
export function* codeQualityIssues(log: Log): Generator<CodeQualityIssue> {
  // Occurrences per base fingerprint: interned off the heap, a count each (not a Map of millions of strings).
  const bases = new KeyTable();
  let seen = new Uint32Array(1024);
  for (const f of eachFinding(log)) {
    if (!isOpen(f)) continue;
    const path = pathOf(f);
    const base = digest([f.tool, f.fingerprint ?? `${f.ruleId}\u0000${f.message}`, path]);
    const id = bases.add(base);
    seen = grown(seen, id);
    const n = seen[id]!++;
    yield {
      description: description(f),
      check_name: text(`${f.tool}/${f.ruleId}`, 250),
      fingerprint: n === 0 ? base : digest([base, n]),
      severity: CODE_QUALITY_SEVERITY[f.severity],
      location: { path, lines: { begin: f.line && f.line > 0 ? f.line : 1 } },
      type: 'issue' as const,
      categories: ['Security'],
      engine_name: text(f.tool, 100),
    };
  }
}

function description(f: FindingView): string {
  const parts = [
    f.message || f.ruleId,
    f.package && !f.message.includes(f.package) ? `(${f.package})` : '',
    f.fixedVersions.length && !f.message.includes(f.fixedVersions[0]!) ? `Fixed in ${f.fixedVersions.join(', ')}.` : '',
  ];
  return text(parts.filter(Boolean).join(' '), 1000);
}

/** GitLab wants a path relative to the repository root; artifact URIs are percent-encoded. */
function pathOf(f: FindingView): string {
  const raw = f.uri ? displayUri(f.uri) : f.url ?? '.';
  return text(raw.replace(/^file:\/\//, '').replace(/^(\.\/)+/, ''), 1000) || '.';
}

/** One line, no control or invisible characters, clipped: GitLab shows these in the MR widget. */
function text(s: string, max: number): string {
  const one = showInvisible(s).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return toWellFormed(one.length > max ? `${one.slice(0, max - 1)}…` : one);
}
