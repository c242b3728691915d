import type { Log, Result, Run } from 'sarif';
import type { ThresholdRule } from '../config/sections/policy.js';
import { matches } from '../policy/match.js';
import { readVerdict } from '../policy/verdict.js';
import { isSuppressed } from '../sarif/props.js';

/** What the gate fails on when no policy is given: its built-in default (any critical or high). */
const DEFAULT_FAIL_ON: ThresholdRule[] = [{ severity: 'high' }];

export type ViolationTest = (run: Run, result: Result) => boolean;

/**
 * Which findings a per-finding report (JUnit, Code Quality) marks as violating. A finding
 * violates when it is open (not suppressed, not fixed) and matches a `fail_on` rule that the
 * verdict names as violated — a rule whose `max` was not exceeded fails no finding. Without a
 * verdict (someone else's SARIF) every matching rule counts. Rules come from the same matcher
 * the policy uses, so the reports cannot disagree with the gate.
 */
export function violationTest(log: Log, failOn: readonly ThresholdRule[] = DEFAULT_FAIL_ON): ViolationTest {
  const verdict = readVerdict(log);
  const violated = verdict
    ? new Set(verdict.reasons.flatMap((r) => (r.code === 'threshold' && r.rule ? [/^fail_on\[(\d+)\]/.exec(r.rule)?.[1]] : [])).map(Number))
    : undefined;
  const rules = failOn.filter((_, i) => !violated || violated.has(i));
  return (run, result) => !isSuppressed(result) && result.baselineState !== 'absent' && rules.some((rule) => matches(rule, run, result));
}
