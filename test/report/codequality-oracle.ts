/**
 * TEST ORACLE: src/report/codequality.ts as it was before the reports walked a spooled log lazily (every FindingView
 * materialised, whole lists sorted, one string). The new one must give the same bytes.
 */
import type { Log } from 'sarif';
import { digest } from '../../src/sarif/hash.js';
import { CODE_QUALITY_SEVERITY, type CodeQualityIssue } from '../../src/report/codequality.js';
import { showInvisible, toWellFormed } from '../../src/text/escape.js';
import { displayUri } from '../../src/report/console.js';
import { isOpen, type FindingView } from '../../src/report/findings.js';
import { findingsOf } from './findings-oracle.js';

/**
 * Every open finding (not suppressed, not fixed) as a Code Quality issue. GitLab compares the
 * fingerprints of the source and target branch reports to say what is new or resolved, so a
 * fingerprint must be stable across runs (secgate's line-independent one, scoped by tool and
 * path) and unique in the report (a repeat gets its occurrence number mixed in).
 */
export function renderCodeQuality(log: Log): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return findingsOf(log)
    .filter(isOpen)
    .map((f) => {
      const path = pathOf(f);
      const base = digest([f.tool, f.fingerprint ?? `${f.ruleId}\u0000${f.message}`, path]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      return {
        description: description(f),
        check_name: text(`${f.tool}/${f.ruleId}`, 250),
        fingerprint: n === 0 ? base : digest([base, n]),
        severity: CODE_QUALITY_SEVERITY[f.severity],
        location: { path, lines: { begin: f.line && f.line > 0 ? f.line : 1 } },
        type: 'issue' as const,
        categories: ['Security'],
        engine_name: text(f.tool, 100),
      };
    });
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
