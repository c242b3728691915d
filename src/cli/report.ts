import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Log } from 'sarif';
import type { ThresholdRule } from '../config/sections/policy.js';
import { loadConfig } from '../config/load.js';
import { ConfigError, ReportError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { reporterByFormat, reporters } from '../report/registry.js';
import type { RenderOptions, Reporter } from '../report/types.js';
import { useColor, write, type CliContext, type CommonOptions } from './context.js';

export interface ReportOptions extends CommonOptions {
  from: string;
  format: string;
  output?: string;
  config?: string;
  title?: string;
  sarifLayout?: RenderOptions['sarifLayout'];
}

/** `secgate report`: render a SARIF log (secgate's or any tool's) in one format. Exit 0 once written. */
export async function report(opts: ReportOptions, ctx: CliContext): Promise<number> {
  const reporter = reporterFor(opts.format, '--format');
  const log = await readSarifLog(resolve(ctx.cwd, opts.from), opts.from);
  const config = await loadConfig(opts.config ? resolve(ctx.cwd, opts.config) : undefined, ctx.cwd);
  const toFile = opts.output !== undefined;
  const renderOpts = {
    color: !toFile && useColor(ctx, opts),
    quiet: opts.quiet ?? false,
    width: ctx.stdout.columns,
    title: opts.title,
    now: ctx.now(),
    failOn: config.policy.fail_on,
    sarifLayout: opts.sarifLayout,
  };
  if (toFile) await writeFileAtomic(resolve(ctx.cwd, opts.output!), reporter.chunks?.(log, renderOpts) ?? reporter.render(log, renderOpts));
  else await write(ctx.stdout, reporter.render(log, renderOpts));
  return 0;
}

/** A `--report format:path` spec, checked before any work is done. */
export interface ReportSpec {
  reporter: Reporter;
  path: string;
}

export function parseReportSpecs(specs: readonly string[]): ReportSpec[] {
  return specs.map((spec) => {
    const i = spec.indexOf(':');
    if (i <= 0 || i === spec.length - 1) {
      throw new ConfigError(`--report ${spec}: expected FORMAT:PATH`, `e.g. --report junit:secgate-junit.xml (formats: ${formatList()})`);
    }
    return { reporter: reporterFor(spec.slice(0, i), `--report ${spec}`), path: spec.slice(i + 1) };
  });
}

/** Write each requested report (atomically), after the SARIF log. Files never get colour. */
export async function writeReports(log: Log, specs: readonly ReportSpec[], ctx: CliContext, extra: { failOn?: readonly ThresholdRule[]; title?: string; sarifLayout?: RenderOptions['sarifLayout'] } = {}): Promise<void> {
  for (const { reporter, path } of specs) {
    const opts = { color: false, now: ctx.now(), ...extra };
    await writeFileAtomic(resolve(ctx.cwd, path), reporter.chunks?.(log, opts) ?? reporter.render(log, opts));
  }
}

function reporterFor(format: string, where: string): Reporter {
  const r = reporterByFormat(format);
  if (!r) throw new ConfigError(`${where}: unknown report format "${format}"`, `use one of: ${formatList()}`);
  return r;
}

function formatList(): string {
  return reporters.map((r) => r.format).join(', ');
}

/** Read a SARIF log for rendering or publishing (also `secgate comment --from`). */
export async function readSarifLog(path: string, shown: string): Promise<Log> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(shown, code === 'ENOENT' ? 'no such file' : (e as Error).message, 'point --from at the SARIF log written by secgate check (--sarif, default secgate.sarif)');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ReportError(shown, `not JSON: ${(e as Error).message}`, 'the file is truncated or not a SARIF log');
  }
  const d = doc as { version?: unknown; runs?: unknown };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || d.version !== '2.1.0' || !Array.isArray(d.runs)) {
    throw new ReportError(shown, 'not a SARIF 2.1.0 log (needs "version": "2.1.0" and a "runs" array)', 'point --from at a SARIF log');
  }
  if (!(d.runs as unknown[]).every((r) => typeof r === 'object' && r !== null && typeof (r as { tool?: { driver?: { name?: unknown } } }).tool?.driver?.name === 'string')) {
    throw new ReportError(shown, 'a run has no tool.driver.name', 'the SARIF log is malformed', '$.runs');
  }
  return doc as Log;
}
