import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Log, Run } from 'sarif';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ConfigError, OutputError, ReportError, SecgateError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readReport, STREAM_RECORDS_ABOVE, type ReportInput } from '../io/read-report.js';
import { gate } from '../pipeline.js';
import { inertInActions } from '../publish/auto.js';
import { exitCodeFor } from '../policy/verdict.js';
import { renderConsole } from '../report/console.js';
import { sarifChunks, type SarifLayout } from '../report/sarif.js';
import { fitGithubLimits, githubUploadWarning } from '../sarif/github-limits.js';
import { createSarifValidator } from '../sarif/validate.js';
import { useColor, write, type CliContext, type CommonOptions } from './context.js';
import { assignFormats } from './formats.js';
import { readPolicyInputs, type PolicyInputs } from './policy-inputs.js';
import type { SinkFactory } from '../sarif/builder.js';
import type { FindingRef, Verdict } from '../policy/verdict.js';
import type { ReportSpec } from './report.js';
import { renderExplain } from '../policy/explain.js';
import { forTerminalLine } from '../text/escape.js';

export interface CheckOptions extends CommonOptions {
  /** Which command reached the gate, for the history line (`run` shares finishGate). */
  command?: 'check' | 'run';
  sarif: string;
  /** --sarif-layout: pretty, lines (one result per line), or auto (lines above 10,000 results). */
  sarifLayout?: SarifLayout;
  config?: string;
  format: string[];
  json?: boolean;
  sarifSchema?: string;
  /** Append a summary line here (secgate trend). */
  history?: string;
  /** Run the configured actions for real (default: dry run). */
  apply?: boolean;
  /** --comment: post/update the sticky PR/MR comment. */
  comment?: boolean;
  /** --no-github: no annotations/summary/outputs in GitHub Actions. */
  github?: boolean;
  /** --profile NAME: secgate.yml's profiles.NAME replaces the top-level keys it names. */
  profile?: string;
  /** A previous secgate SARIF log: results become new / unchanged / updated / absent. */
  baseline?: string;
  /** A git ref: findings on lines / packages changed since it are new. */
  diffBase?: string;
  /** OpenVEX or CycloneDX VEX documents (added to secgate.yml's `vex:`). */
  vex?: string[];
  /** --report format:path (repeatable): reports written beside the SARIF log. */
  report?: string[];
}

/** Several reports can fail at once; the user sees one line for each. */
export class ManyErrors extends SecgateError {
  override readonly name = 'ManyErrors';
  constructor(readonly errors: SecgateError[]) {
    super(errors.map((e) => e.oneLine()).join('\n'));
  }
  override oneLine(): string {
    return this.message;
  }
}

export async function check(reports: string[], opts: CheckOptions, ctx: CliContext): Promise<number> {
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd, opts.profile);
  const inputs = assignFormats(reports, opts.format ?? []);
  // No reports named: the ones secgate.yml lists under `reports:`.
  if (!inputs.length) inputs.push(...(config.reports ?? []));
  if (!inputs.length) {
    throw new ConfigError('no reports given', 'name the report files: secgate check grype.json trivy.json semgrep.sarif');
  }
  const spooled = await (await import('./spool-gate.js')).spoolIfBig(inputs, config, opts, ctx);
  if (spooled !== undefined) return spooled;
  return finishGate(await readReports(inputs, config, ctx), config, opts, ctx);
}

/** Read every report (all of them, so each unreadable one gets its line); any failure is exit 2. */
export async function readReports(inputs: ReportInput[], config: Config, ctx: CliContext, sink?: SinkFactory): Promise<Run[]> {
  const settled = await Promise.allSettled(inputs.map((i) => readReport({ ...i, path: resolve(ctx.cwd, i.path) }, { unknownSeverity: config.policy.unknown_severity, streamAbove: bytesFromEnv(ctx.env, 'SECGATE_STREAM_ABOVE') ?? (sink ? STREAM_RECORDS_ABOVE : undefined), sink }).then((r) => ({ ...r, shown: i.path }))));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [asSecgate(s.reason)] : []));
  if (errors.length) throw errors.length === 1 ? errors[0]! : new ManyErrors(errors);
  return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value.runs.map((run) => relabel(run, s.value.shown)) : []));
}

/** The gate and everything it writes, shared by `check` and `run` (src/cli/run.ts). */
export async function finishGate(runs: Run[], config: Config, opts: CheckOptions, ctx: CliContext): Promise<number> {
  const reportSpecs = await reportSpecsOf(opts);
  const policyInputs = await policyInputsOf(config, opts, ctx);
  const { log, verdict } = gate({ runs, config, now: ctx.now(), ...policyInputs });
  return afterGate({ log, verdict }, config, opts, ctx, reportSpecs);
}

export async function reportSpecsOf(opts: CheckOptions): Promise<ReportSpec[]> {
  return opts.report?.length ? (await import('./report.js')).parseReportSpecs(opts.report) : [];
}

/** --baseline, --diff-base, ignore files and VEX, read before the gate; their warnings printed. */
export async function policyInputsOf(config: Config, opts: CheckOptions, ctx: CliContext): Promise<Omit<PolicyInputs, 'notes'>> {
  const { notes, ...policyInputs } = await readPolicyInputs(ctx.cwd, config, { ...opts, baselineStreamAbove: bytesFromEnv(ctx.env, 'SECGATE_STREAM_ABOVE') });
  for (const n of notes) await write(ctx.stderr, `secgate: warning: ${forTerminalLine(n, 400)}\n`);
  return policyInputs;
}

/**
 * What the gate decided: the log, its results maybe spooled — every consumer after the gate walks
 * it as it is (eachResult), none reads it back whole.
 */
export interface GateResult {
  log: Log;
  verdict: Verdict;
  /** The most important open findings, when the log's results are not in memory (the console's pass case). */
  topOpen?: (k: number) => { shown: FindingRef[]; count: number };
}

/** Everything after the verdict: the SARIF log, reports, history, the console, GitHub. */
export async function afterGate(g: GateResult, config: Config, opts: CheckOptions, ctx: CliContext, reportSpecs: ReportSpec[]): Promise<number> {
  const { log, verdict } = g;
  if (config.actions?.length) await (await import('./actions.js')).actionsAfterGate(log, config, opts, ctx);
  const schema = opts.sarifSchema ? await readSchema(opts.sarifSchema, ctx) : undefined;
  const problems = createSarifValidator(schema)(log);
  if (problems.length) {
    const p = problems[0]!;
    // Against the user's own schema the log may be fine SARIF that their schema is stricter about.
    if (opts.sarifSchema) throw new OutputError(`the merged SARIF log does not satisfy --sarif-schema ${opts.sarifSchema} at ${p.path}: ${p.message}`, 'check that the schema is SARIF 2.1.0 (sarif-schema-2.1.0.json); if it is, report this with the input reports');
    throw new OutputError(`the merged SARIF log is invalid at ${p.path}: ${p.message}`, 'this is a secgate bug: run with --debug and report it with the input reports');
  }
  const out = fitGithubLimits(log);
  // In pieces: 100k results pretty-printed are near V8's 512 MB string limit.
  await writeFileAtomic(resolve(ctx.cwd, opts.sarif), sarifChunks(out, opts.sarifLayout ?? 'auto'));
  const uploadWarning = githubUploadWarning(out, opts.sarif);
  if (uploadWarning) await write(ctx.stderr, `secgate: warning: ${forTerminalLine(uploadWarning, 600)}\n`);
  if (reportSpecs.length) await (await import('./report.js')).writeReports(log, reportSpecs, ctx, { failOn: config.policy.fail_on, sarifLayout: opts.sarifLayout });
  await (await import('../history/record.js')).recordHistory(log, { cwd: ctx.cwd, env: ctx.env, now: ctx.now(), command: opts.command ?? 'check', flag: opts.history, config });

  const consoleOpts = (stream?: Parameters<typeof useColor>[2]) => ({ color: useColor(ctx, opts, stream), quiet: opts.quiet ?? false, ...(g.topOpen ? { topOpen: g.topOpen } : {}) });
  if (opts.json) {
    await write(ctx.stderr, inertInActions(ctx.env, renderConsole(log, consoleOpts(ctx.stderr))));
    await write(ctx.stdout, `${JSON.stringify({ ...verdict, sarif: opts.sarif, exitCode: exitCodeFor(verdict.status) }, null, 2)}\n`);
  } else {
    await write(ctx.stdout, inertInActions(ctx.env, renderConsole(log, consoleOpts())));
  }
  // The end of every check: what was waived, expires soon, is stale, VEX'd or fixed.
  if (!opts.quiet) await write(opts.json ? ctx.stderr : ctx.stdout, inertInActions(ctx.env, renderExplain(verdict, { extrasOnly: true, top: config.policy.explain_top })));
  // Annotations, job summary, outputs (GitHub Actions) and --comment: never change the exit code.
  if (opts.comment || ctx.env['GITHUB_ACTIONS'] === 'true') await (await import('./comment.js')).publishAfterGate(log, opts, ctx);
  return exitCodeFor(verdict.status);
}

/**
 * A size limit in bytes from the environment (SECGATE_STREAM_ABOVE: JSON reports above it are
 * streamed; SECGATE_SPOOL_ABOVE: inputs above it are gated spooled; tests force them low), or
 * undefined when unset or not a number ≥ 0.
 */
export function bytesFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  const n = Number(raw);
  return raw && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Runs record the report path as the user typed it (relative), not the absolute path. */
function relabel(run: Run, shown: string): Run {
  const src = run.properties?.['source'] as { file?: string } | undefined;
  if (src) src.file = shown;
  return run;
}

function asSecgate(e: unknown): SecgateError {
  if (e instanceof SecgateError) return e;
  return new ReportError('report', (e as Error)?.message ?? String(e));
}

async function readSchema(path: string, ctx: CliContext): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(resolve(ctx.cwd, path), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`--sarif-schema ${path}: ${(e as Error).message}`, 'point it at sarif-schema-2.1.0.json');
  }
}
