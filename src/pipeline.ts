import type { Log, Run } from 'sarif';
import type { Config } from './config/types.js';
import { correlate } from './sarif/correlate.js';
import { mergeRuns } from './sarif/merge.js';
import { evaluatePolicy } from './policy/evaluate.js';
import { embedVerdict, type BaselineInfo, type Verdict } from './policy/verdict.js';
import { applyBaseline } from './policy/baseline.js';
import { applyChangeSet, type ChangeSet } from './policy/diff-base.js';
import { applyWaivers, fromConfig, type Waiver } from './policy/waivers.js';
import { applyVex, type VexStatement, type VexUse } from './policy/vex.js';
import { fixedFindings } from './policy/explain.js';

export interface GateInput {
  runs: Run[];
  config: Config;
  /** Injected clock: waiver expiry and anything time-based reads this, never Date.now(). */
  now: Date;
  /** A previous secgate log (--baseline): results become new / unchanged / updated / absent. */
  baseline?: { log: Log; label: string } | undefined;
  /** What changed since --diff-base: findings on changed lines / packages are new. */
  changes?: ChangeSet | undefined;
  /** Waivers read from the scanners' own ignore files (secgate.yml's come with the config). */
  ignoreFileWaivers?: Waiver[] | undefined;
  /** VEX documents, already parsed. */
  vex?: { file: string; format: VexUse['format']; statements: VexStatement[] }[] | undefined;
}

export interface GateOutput {
  log: Log;
  verdict: Verdict;
}

/**
 * The whole gate after the inputs are read, as the design's diagram reads:
 * merge → correlate → (baseline, waivers, VEX) → policy → verdict embedded in the log.
 * Pure over SARIF: no I/O, no environment, no clock but the one passed in.
 */
export function gate(input: GateInput): GateOutput {
  const { policy } = input.config;
  const log = mergeRuns(input.runs);
  correlate(log);
  const baseline = compareWithBaseline(log, input);
  const waivers = applyWaivers(log, [...(input.config.waivers ?? []).map(fromConfig), ...(input.ignoreFileWaivers ?? [])], { now: input.now, maxDays: policy.waiver_max_days ?? 365, warnDays: policy.waiver_warn_days ?? 14 });
  const vex = applyVex(log, input.vex ?? []);
  const verdict = evaluatePolicy(log, policy, { waivers, vex, ...(baseline ? { baseline } : {}) });
  embedVerdict(log, verdict);
  return { log, verdict };
}

/** baseline: --baseline marks by fingerprints; --diff-base then judges what the baseline did not. */
function compareWithBaseline(log: Log, input: GateInput): BaselineInfo | undefined {
  if (!input.baseline && !input.changes) return undefined;
  const counts = input.baseline ? applyBaseline(log, input.baseline.log) : { new: 0, unchanged: 0, updated: 0, absent: 0 };
  if (input.changes) {
    const more = applyChangeSet(log, input.changes);
    counts.new += more.new;
    counts.unchanged += more.unchanged;
  }
  const against = [input.baseline ? `baseline ${input.baseline.label}` : '', input.changes ? `diff-base ${input.changes.ref}` : ''].filter(Boolean).join(' + ');
  return { against, counts, fixed: fixedFindings(log) };
}
