import type { Log } from 'sarif';
import type { ActionWhen } from '../config/sections/actions.js';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { eachResult, isSuppressed } from '../sarif/props.js';
import { findingRef } from '../policy/evaluate.js';
import { matches } from '../policy/match.js';
import type { FindingRef } from '../policy/verdict.js';

export interface ActionFinding extends FindingRef {
  /** The result's secgate fingerprint: what watch remembers as "already acted on". */
  fingerprint: string;
}

/**
 * Unsuppressed findings an action's `when` selects, matched with the policy's own matchers
 * (severity "this or above", tools, kinds, rule-id globs). `only`, when given, keeps just
 * those fingerprints (watch: what is new since the last evaluation).
 */
export function selectFindings(log: Log, when: ActionWhen, only?: ReadonlySet<string>): ActionFinding[] {
  const out: ActionFinding[] = [];
  for (const { run, result } of eachResult(log)) {
    if (isSuppressed(result) || (result.kind && result.kind !== 'fail')) continue;
    if (!matches(when, run, result)) continue;
    const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY] ?? '';
    if (only && !only.has(fingerprint)) continue;
    out.push({ ...findingRef(run, result), fingerprint });
  }
  return out;
}
