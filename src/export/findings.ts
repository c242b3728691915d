import type { Log, Result, Run } from 'sarif';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { digest } from '../sarif/hash.js';
import { eachResult, isSuppressed, kindOf, locationUri, props, severityOf, toolName, type FindingProps } from '../sarif/props.js';
import type { Severity } from '../sarif/severity.js';
import { toWellFormed } from '../text/escape.js';

/** One SARIF result as the exporters see it: the facts every hub format is built from. */
export interface ExportFinding {
  /** Stable across runs: tool + category + the result's secgate fingerprint. 32 hex characters. */
  key: string;
  tool: string;
  toolVersion: string | undefined;
  ruleId: string;
  title: string;
  description: string;
  severity: Severity;
  nativeSeverity: string | undefined;
  kind: string | undefined;
  location: string | undefined;
  logical: string | undefined;
  helpUri: string | undefined;
  suppressed: boolean;
  props: Partial<FindingProps>;
  run: Run;
  result: Result;
}

// Hub consoles render these fields as text: no control characters (bidi overrides, escapes).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
export function cleanText(s: string, max: number): string {
  const t = toWellFormed(s).replace(UNSAFE, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * Every result of a merged log, in log order, with a key that stays the same when the same
 * finding is exported again (so a hub updates it rather than adding a duplicate). Passed
 * checks (SARIF kind "pass") are not findings and are left out.
 */
export function exportFindings(log: Log): ExportFinding[] {
  const out: ExportFinding[] = [];
  const seen = new Map<string, number>();
  for (const { run, result } of eachResult(log)) {
    if (result.kind && result.kind !== 'fail') continue;
    const tool = toolName(run);
    const category = (run.automationDetails?.id ?? '').replace(/\/$/, '');
    const fp = result.partialFingerprints?.[FINGERPRINT_KEY] ?? digest([result.ruleId, locationUri(result), result.message.text]);
    let key = digest([tool, category, fp]);
    // Two results with one identity in one run (rare: a tool reporting twice) stay distinct, deterministically.
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n > 0) key = digest([key, n]);
    const rules = run.tool.driver.rules ?? [];
    const rule = rules.find((r) => r.id === result.ruleId);
    const p = props(result);
    out.push({
      key,
      tool,
      toolVersion: run.tool.driver.version,
      ruleId: result.ruleId ?? 'unknown',
      title: rule?.shortDescription?.text ?? result.ruleId ?? 'finding',
      description: result.message.text ?? rule?.fullDescription?.text ?? '',
      severity: severityOf(result),
      nativeSeverity: p.nativeSeverity,
      kind: kindOf(result, run),
      location: locationUri(result),
      logical: result.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName,
      helpUri: rule?.helpUri,
      suppressed: isSuppressed(result),
      props: p,
      run,
      result,
    });
  }
  return out;
}
