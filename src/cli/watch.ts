import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Run } from 'sarif';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ConfigError, ReportError, SecgateError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { sarifChunks } from '../report/sarif.js';
import { parseReport } from '../io/read-report.js';
import { gate } from '../pipeline.js';
import { exitCodeFor } from '../policy/verdict.js';
import { FINGERPRINT_KEY } from '../sarif/builder.js';
import { fitGithubLimits } from '../sarif/github-limits.js';
import { eachResult, isSuppressed } from '../sarif/props.js';
import { recordHistory } from '../history/record.js';
import { completeLines, markOf, waitForChange } from '../watch/follow.js';
import { parseInterval, sleep } from '../watch/schedule.js';
import { diffSeen, loadState, saveState } from '../watch/state.js';
import { DEFAULT_WATCH_STATE, type WatchSource } from '../config/sections/watch.js';
import { actionsAfterGate } from './actions.js';
import { write, type CliContext } from './context.js';
import { assignFormats } from './formats.js';

export interface WatchOptions {
  every?: string;
  follow?: string;
  state?: string;
  once?: boolean;
  maxIterations?: number;
  poll: number;
  apply?: boolean;
  skipMalformedLines?: boolean;
  sarif?: string;
  history?: string;
  config?: string;
  format: string[];
  /** Tests stop a long-running watch with this. */
  signal?: AbortSignal;
}

interface Source {
  path: string;
  shown: string;
  format?: string | undefined;
  skip: boolean;
}

export async function watch(reports: string[], opts: WatchOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const sources = sourcesOf(reports, opts, config, ctx);
  if (!sources.length) throw new ConfigError('nothing to watch', 'name report files, use --follow FILE, or list watch.sources in secgate.yml');
  const everyText = opts.every ?? config.watch?.every;
  const everyMs = everyText ? parseInterval(everyText) : undefined;
  if (!opts.once && !opts.follow && everyMs === undefined && opts.maxIterations === undefined) {
    throw new ConfigError('watch needs a trigger', 'use --every 15m, --follow FILE, or --once');
  }
  if (opts.maxIterations !== undefined && !(opts.maxIterations >= 1)) throw new ConfigError('--max-iterations must be 1 or more');
  const statePath = resolve(ctx.cwd, opts.state ?? config.watch?.state ?? DEFAULT_WATCH_STATE);
  const max = opts.once ? 1 : opts.maxIterations ?? Infinity;
  const followPath = opts.follow ? resolve(ctx.cwd, opts.follow) : undefined;

  let code = 0;
  for (let i = 1; i <= max; i++) {
    const mark = followPath ? await markOf(followPath) : undefined;
    code = await evaluate(sources, config, statePath, opts, ctx);
    if (i === max || opts.signal?.aborted) break;
    if (followPath) {
      if (!(await waitForChange(followPath, mark, opts.poll, opts.signal))) break;
    } else {
      await sleep(everyMs ?? 0, opts.signal);
      if (opts.signal?.aborted) break;
    }
  }
  return code;
}

function sourcesOf(reports: string[], opts: WatchOptions, config: Config, ctx: CliContext): Source[] {
  const fromArgs = assignFormats([...reports, ...(opts.follow && !reports.includes(opts.follow) ? [opts.follow] : [])], opts.format ?? []);
  const out: Source[] = fromArgs.map((r) => ({ path: resolve(ctx.cwd, r.path), shown: r.path, format: r.format, skip: opts.skipMalformedLines === true }));
  for (const s of config.watch?.sources ?? ([] as WatchSource[])) {
    const path = resolve(ctx.cwd, s.path);
    if (out.some((o) => o.path === path)) continue;
    out.push({ path, shown: s.path, format: s.format, skip: opts.skipMalformedLines === true || s.skip_malformed_lines === true });
  }
  return out;
}

async function readSource(s: Source, config: Config): Promise<Run[]> {
  let text: string;
  try {
    text = await readFile(s.path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(s.shown, code === 'ENOENT' ? 'no such file' : (e as Error).message, 'check the watched path (a rotated log is re-read when it reappears)');
  }
  const opts = { unknownSeverity: config.policy.unknown_severity, skipMalformedLines: s.skip };
  const input = { path: s.shown, format: s.format };
  try {
    return parseReport(input, text, opts).runs;
  } catch (e) {
    // A followed file may be mid-write: its complete lines are what exists so far.
    const whole = completeLines(text);
    if (whole !== text && whole.trim() !== '' && e instanceof SecgateError) return parseReport(input, whole, opts).runs;
    throw e;
  }
}

async function evaluate(sources: Source[], config: Config, statePath: string, opts: WatchOptions, ctx: CliContext): Promise<number> {
  const state = await loadState(statePath);
  const runs = (await Promise.all(sources.map((s) => readSource(s, config)))).flat();
  const { log, verdict } = gate({ runs, config, now: ctx.now() });
  const current: string[] = [];
  for (const { result } of eachResult(log)) {
    const fp = result.partialFingerprints?.[FINGERPRINT_KEY];
    if (fp && !isSuppressed(result) && (!result.kind || result.kind === 'fail')) current.push(fp);
  }
  const { fresh, next } = diffSeen(state, current);
  const outcomes = await actionsAfterGate(log, config, opts, ctx, fresh);
  // The same output check writes: within GitHub code scanning's upload limits.
  // The same writer as check: bidi/C1 characters escaped, in pieces, lines layout for big logs.
  if (opts.sarif) await writeFileAtomic(resolve(ctx.cwd, opts.sarif), sarifChunks(fitGithubLimits(log), 'auto'));
  await recordHistory(log, { cwd: ctx.cwd, env: ctx.env, now: ctx.now(), command: 'watch', flag: opts.history, config });
  const evaluations = state.evaluations + 1;
  // The state is saved only after the actions ran: a crash before this re-evaluates (at least once), never skips.
  await saveState(statePath, { v: 1, seen: next, evaluations, lastEvaluation: ctx.now().toISOString() });
  const acted = outcomes.filter((o) => o.status !== 'skipped').length;
  await write(ctx.stderr, `secgate watch: evaluation ${evaluations}: ${verdict.status.toUpperCase()} — ${current.length} open finding${current.length === 1 ? '' : 's'}, ${fresh.size} new${outcomes.length ? `, ${acted} action${acted === 1 ? '' : 's'} triggered` : ''}\n`);
  return exitCodeFor(verdict.status);
}
