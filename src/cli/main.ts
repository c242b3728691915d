import { Command, Option } from 'commander';
import { isSecgateError } from '../errors.js';
import type { CliContext } from './context.js';
import { VERSION } from '../version.js';

/**
 * The program. Commands are imported only when they run, so `secgate --version` and
 * `--help` load commander and nothing else. This is the only place that turns outcomes into
 * exit codes: 0 pass, 1 policy violated, 2 no verdict possible.
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

  program
    .command('check')
    .summary('read scanner reports, write one SARIF log, apply the policy')
    .description(
      'Read scanner reports (format detected from the content), merge them into one SARIF 2.1.0 log, apply the policy and exit 0 (pass), 1 (policy violated) or 2 (no verdict possible).',
    )
    .argument('[reports...]', 'report files: Grype JSON, Trivy JSON, SARIF 2.1.0 (any tool)')
    .option('--sarif <file>', 'where to write the merged SARIF log', 'secgate.sarif')
    .option('-c, --config <file>', 'configuration file (default: secgate.yml when present)')
    .addOption(new Option('-f, --format <id|id:path>', 'force the format of all reports, or of one (repeatable)').argParser(collect).default([]))
    .option('--sarif-schema <file>', 'validate the output against this JSON Schema (e.g. the official sarif-schema-2.1.0.json) instead of the built-in one')
    .option('--json', 'print the verdict as JSON on stdout (the table goes to stderr)')
    .option('-q, --quiet', 'print only the verdict line')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate check grype.json trivy.json semgrep.sarif
  $ secgate check --sarif out/security.sarif --json reports/*.json
  $ secgate check --format trivy:scan-output.txt grype.json

Exit codes: 0 pass · 1 policy violated · 2 no verdict possible (bad config, unreadable report, failed scanner)`,
    )
    .action(async (reports: string[], opts) => {
      const { check } = await import('./check.js');
      code = await check(reports, opts, ctx);
    });

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
      ctx.stderr.write(`secgate: error: ${e.oneLine()}\n`);
      if (debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
      if (debug && e.cause) ctx.stderr.write(`caused by: ${(e.cause as Error).stack ?? String(e.cause)}\n`);
    } else {
      ctx.stderr.write(`secgate: internal error: ${(e as Error)?.message ?? String(e)} — run with --debug and report it\n`);
      if (debug) ctx.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    }
    return 2;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
