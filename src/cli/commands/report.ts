import { Option } from 'commander';
import type { Reporter } from '../../report/types.js';
import type { CommandDefinition } from './types.js';
import { sarifLayoutOption } from './sarif-layout.js';

export const reportCommand: CommandDefinition = (program, ctx, done) => {
  // The registry loads every reporter (HTML, JUnit, …): ~30 ms of start-up every command would pay.
  // It is imported when `report` is the command (its help included), before its options are parsed.
  let reporters: readonly Reporter[] = [];
  const format = new Option('--format <format>', 'output format').choices([]).default('console');
  program.hook('preSubcommand', async (_program, sub) => {
    if (sub.name() !== 'report' || reporters.length) return;
    reporters = (await import('../../report/registry.js')).reporters;
    format.argChoices = reporters.map((r) => r.format);
  });
  program
    .command('report')
    .summary('render a SARIF log as console, markdown, JUnit, GitLab Code Quality, HTML or SARIF')
    .description('Render a SARIF log (the one secgate check wrote, or any tool\'s) in one format, with the verdict embedded in it (a log without one still renders, marked "no verdict").')
    .requiredOption('--from <sarif>', 'the SARIF log to render (e.g. secgate.sarif)')
    .addOption(format)
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addOption(sarifLayoutOption())
    .option('-c, --config <file>', 'configuration file, for which findings JUnit/Code Quality mark as violating (default: secgate.yml when present)')
    .option('--title <text>', 'heading for markdown and HTML')
    .option('-q, --quiet', 'console: print only the verdict line')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      // `secgate help report` prints help without running hooks: the list is then one command away.
      () => `
Formats:
${reporters.length ? reporters.map((r) => `  ${r.format.padEnd(12)} ${r.description}`).join('\n') : '  run `secgate report --help` to list them'}

Examples:
  $ secgate report --from secgate.sarif --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ secgate report --from secgate.sarif --format junit -o secgate-junit.xml
  $ secgate report --from secgate.sarif --format html -o secgate.html

Exit codes: 0 written · 2 the log is unreadable or the output cannot be written`,
    )
    .action(async (opts) => {
      const { report } = await import('../report.js');
      done(await report(opts, ctx));
    });
};
