import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import type { Config } from '../config/types.js';
import { actionLine, embedActions, runActions } from '../actions/run.js';
import type { ActionOutcome } from '../actions/types.js';
import { forTerminalLine } from '../text/escape.js';
import { write, type CliContext } from './context.js';

/**
 * The configured actions after a gate (check, run, watch): run (or dry-run) them, record each
 * outcome in the log and print one line each on stderr. Never changes the verdict or exit code.
 */
export async function actionsAfterGate(log: Log, config: Config, opts: { apply?: boolean }, ctx: CliContext, only?: ReadonlySet<string>): Promise<ActionOutcome[]> {
  const actions = config.actions ?? [];
  if (!actions.length) return [];
  const outcomes = await runActions(log, actions, { env: ctx.env, cwd: ctx.cwd, apply: opts.apply === true, tmpDir: join(tmpdir(), 'secgate-actions'), ...(only ? { only } : {}) });
  embedActions(log, outcomes);
  for (const o of outcomes) await write(ctx.stderr, `secgate: ${forTerminalLine(actionLine(o), 400)}\n`);
  return outcomes;
}
