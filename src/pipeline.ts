import type { Log, Run } from 'sarif';
import type { Config } from './config/types.js';
import { correlate } from './sarif/correlate.js';
import { mergeRuns } from './sarif/merge.js';
import { evaluatePolicy } from './policy/evaluate.js';
import { embedVerdict, type Verdict } from './policy/verdict.js';

export interface GateInput {
  runs: Run[];
  config: Config;
  /** Injected clock: waiver expiry and anything time-based reads this, never Date.now(). */
  now: Date;
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
  const log = mergeRuns(input.runs);
  correlate(log);
  const verdict = evaluatePolicy(log, input.config.policy);
  embedVerdict(log, verdict);
  return { log, verdict };
}
