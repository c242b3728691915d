import { resolve } from 'node:path';
import type { Log } from 'sarif';
import type { Config } from '../config/types.js';
import { DEFAULT_HISTORY_PATH } from '../config/sections/history.js';
import { ciFacts } from '../runners/ci-facts.js';
import { appendHistory } from './append.js';
import { historyEntry } from './entry.js';

/**
 * The one call check/run/watch make after the gate: append a summary line when --history is
 * given or `history.enabled` is set. Commit and branch come from the CI's variables (the env
 * the CLI passes in).
 */
export async function recordHistory(log: Log, o: { cwd: string; env: NodeJS.ProcessEnv; now: Date; command: string; flag?: string | undefined; config: Config }): Promise<string | undefined> {
  const path = o.flag ?? (o.config.history?.enabled ? o.config.history.path ?? DEFAULT_HISTORY_PATH : undefined);
  if (!path) return undefined;
  const ci = ciFacts(o.env);
  await appendHistory(resolve(o.cwd, path), historyEntry(log, { now: o.now, command: o.command, commit: ci.commit, branch: ci.branch }));
  return path;
}
