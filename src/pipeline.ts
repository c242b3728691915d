import type { Log, Run } from 'sarif';
import type { Config } from './config/types.js';
import { mergeRuns } from './sarif/merge.js';
import { embedVerdict, type Verdict } from './policy/verdict.js';
import type { ChangeSet } from './policy/diff-base.js';
import { Ledger, type LedgerInputs } from './policy/ledger.js';
import { fromConfig, type Waiver } from './policy/waivers.js';
import type { VexStatement, VexUse } from './policy/vex.js';

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
 * Pure over SARIF: no I/O, no environment, no clock but the one passed in. The ledger
 * (src/policy/ledger.ts) judges each result, then decides what needs them all; `secgate check` on
 * big inputs feeds the same ledger as results are built and never holds them (src/cli/check.ts).
 */
export function gate(input: GateInput): GateOutput {
  const log = mergeRuns(input.runs);
  const ledger = new Ledger(ledgerInputs(input));
  for (const run of log.runs) {
    const slot = ledger.openRun(run, run.results);
    for (const result of run.results ?? []) ledger.observe(slot, result);
  }
  const verdict = ledger.finish(log);
  embedVerdict(log, verdict);
  return { log, verdict };
}

/** What the ledger needs from the gate's inputs. */
export function ledgerInputs(input: Omit<GateInput, 'runs'>): LedgerInputs {
  return {
    policy: input.config.policy,
    now: input.now,
    baseline: input.baseline,
    changes: input.changes,
    waivers: [...(input.config.waivers ?? []).map(fromConfig), ...(input.ignoreFileWaivers ?? [])],
    vex: input.vex,
  };
}
