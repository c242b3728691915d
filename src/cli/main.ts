import { Command } from 'commander';
import { isSecgateError } from '../errors.js';
import type { CliContext } from './context.js';
import { VERSION } from '../version.js';
import { forTerminalLine } from '../text/escape.js';
import type { CommandDefinition } from './commands/types.js';
import { checkCommand } from './commands/check.js';
import { runCommand } from './commands/run.js';
import { mergeCommand } from './commands/merge.js';
import { commentCommand } from './commands/comment.js';
import { hookCommand } from './commands/hook.js';
import { initCommand } from './commands/init.js';
import { explainCommand } from './commands/explain.js';
import { baselineCommand } from './commands/baseline.js';
import { exportCommand } from './commands/export.js';
import { reportCommand } from './commands/report.js';
import { trendCommand } from './commands/trend.js';
import { watchCommand } from './commands/watch.js';

/** Every command, one line each; definitions are cheap, implementations load lazily. */
const commands: CommandDefinition[] = [
  explainCommand,
  baselineCommand,
  checkCommand,
  reportCommand,
  runCommand,
  mergeCommand,
  commentCommand,
  hookCommand,
  initCommand,
  exportCommand,
  trendCommand,
  watchCommand,
];

/**
 * The program. This is the only place that turns outcomes into exit codes:
 * 0 pass, 1 policy violated, 2 no verdict possible.
 */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  let code = 0;
  const program = new Command('secgate')
    .description('The security gate of a CI/CD pipeline: scanner reports in, one SARIF log and one verdict out.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  for (const define of commands) define(program, ctx, (c) => (code = c));
  // Subcommands inherit exitOverride and output so usage errors come back here too.
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      // --help and --version end here with exit 0; usage errors are "could not decide".
      return err.exitCode === 0 ? 0 : 2;
    }
    const debug = argv.includes('--debug');
    if (isSecgateError(e)) {
      // Messages quote paths, URLs and report text: shown inert, on one line (no forged CI lines).
      ctx.stderr.write(`secgate: error: ${forTerminalLine(e.oneLine(), 4000)}\n`);
      if (debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
      if (debug && e.cause) ctx.stderr.write(`caused by: ${(e.cause as Error).stack ?? String(e.cause)}\n`);
    } else {
      ctx.stderr.write(`secgate: internal error: ${forTerminalLine((e as Error)?.message ?? String(e), 4000)} — run with --debug and report it\n`);
      if (debug) ctx.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    }
    return 2;
  }
}
