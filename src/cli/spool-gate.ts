import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Result, Run } from 'sarif';
import type { Config } from '../config/types.js';
import { OutputError } from '../errors.js';
import { ResultSpool } from '../io/result-spool.js';
import type { ReportInput } from '../io/read-report.js';
import { ledgerInputs } from '../pipeline.js';
import { Ledger } from '../policy/ledger.js';
import { embedVerdict } from '../policy/verdict.js';
import type { SinkFactory } from '../sarif/builder.js';
import { mergeRuns } from '../sarif/merge.js';
import { SpooledRunBuilder } from '../sarif/spooled.js';
import { createResultValidator, createRuleValidator, type SchemaProblem } from '../sarif/validate.js';
import { afterGate, bytesFromEnv, policyInputsOf, readReports, reportSpecsOf, type CheckOptions } from './check.js';
import type { CliContext } from './context.js';

/**
 * Inputs above this many bytes in all are gated spooled: each result is judged by the ledger and
 * written to a spool file as it is built, so memory follows the ledger's ~100 bytes a result, not
 * the results (0.8–3 KB each). Below it the log stays in memory (every consumer can walk it).
 * SECGATE_SPOOL_ABOVE=bytes overrides (tests set 0 to spool everything).
 */
export const SPOOL_ABOVE = 16 * 2 ** 20;

/** `secgate check` the spooled way when the inputs are big; undefined: the caller gates in memory. */
export async function spoolIfBig(inputs: ReportInput[], config: Config, opts: CheckOptions, ctx: CliContext): Promise<number | undefined> {
  const limit = bytesFromEnv(ctx.env, 'SECGATE_SPOOL_ABOVE') ?? SPOOL_ABOVE;
  let total = 0;
  for (const i of inputs) total += await sizeOf(resolve(ctx.cwd, i.path));
  if (total <= limit) return undefined;
  return spooledCheck(inputs, config, opts, ctx);
}

async function spooledCheck(inputs: ReportInput[], config: Config, opts: CheckOptions, ctx: CliContext): Promise<number> {
  // The policy's inputs come first: the ledger judges each result against them as it is built.
  const reportSpecs = await reportSpecsOf(opts);
  const policyInputs = await policyInputsOf(config, opts, ctx);
  const ledger = new Ledger(ledgerInputs({ config, now: ctx.now(), ...policyInputs }));
  const spool = ResultSpool.create();
  try {
    const validate = createResultValidator();
    const validateRule = createRuleValidator();
    const sink: SinkFactory = (header) => {
      const slot = ledger.openRun(header);
      const builder = new SpooledRunBuilder(spool);
      let i = 0;
      return {
        add(result) {
          ledger.observe(slot, result);
          // The whole log is never validated at once: each result is, before it is written.
          mustBeValid(validate(result, `/runs/?/results/${i}`), 'result', header);
          builder.add(result);
          i++;
        },
        seal() {
          const results = builder.seal();
          ledger.bind(slot, results);
          return results as unknown as Result[];
        },
        // RunBuilder's rules (one per CVE for Grype and Trivy) go to a segment of their own, each checked first.
        ruleSpool() {
          const segment = spool.segment();
          let r = 0;
          return {
            append(text, rule) {
              mustBeValid(validateRule(rule, `/runs/?/tool/driver/rules/${r}`), 'rule', header);
              r++;
              return segment.append(text);
            },
            seal: () => segment.seal(),
            lines: (from, to) => segment.lines(from, to),
            line: (i) => segment.line(i),
          };
        },
      };
    };
    const runs = await readReports(inputs, config, ctx, sink);
    const log = mergeRuns(runs);
    const verdict = ledger.finish(log);
    embedVerdict(log, verdict);
    return await afterGate({ log, verdict, topOpen: (k) => ledger.topOpen(k) }, config, opts, ctx, reportSpecs);
  } finally {
    spool.close();
  }
}

/** A result or rule secgate built is not SARIF: its own bug, exit 2 before anything is written. */
function mustBeValid(problems: readonly SchemaProblem[], what: 'result' | 'rule', header: Run): void {
  const p = problems[0];
  if (p) throw new OutputError(`a ${what} of ${header.tool.driver.name} is invalid SARIF at ${p.path}: ${p.message}`, 'this is a secgate bug: run with --debug and report it with the input reports');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0; // unreadable: readReports says why, one line per report
  }
}
