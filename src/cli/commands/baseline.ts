import { Option } from 'commander';
import { collect, type CommandDefinition } from './types.js';
import { sarifLayoutOption } from './sarif-layout.js';

export const baselineCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('baseline')
    .summary('write a baseline SARIF log for later `check --baseline`')
    .description(
      'Read scanner reports (or secgate SARIF logs) and write the merged findings as a baseline: a SARIF 2.1.0 log without a verdict. Later runs of `secgate check --baseline <file>` mark each finding new, unchanged or updated against it, and report the ones that are gone as fixed.',
    )
    .argument('<reports...>', 'report files (any format secgate check reads), or a SARIF log from secgate check')
    .option('-o, --output <file>', 'where to write the baseline', 'secgate-baseline.sarif')
    .addOption(sarifLayoutOption())
    .option('-c, --config <file>', 'configuration file (for policy.unknown_severity; default: secgate.yml when present)')
    .addOption(new Option('-f, --format <id|id:path>', 'force the format of all reports, or of one (repeatable)').argParser(collect).default([]))
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples (on the default branch, then in pull requests):
  $ secgate baseline grype.json semgrep.sarif -o baseline.sarif
  $ secgate check grype.json semgrep.sarif --baseline baseline.sarif

Exit codes: 0 written · 2 an input is unreadable or the output cannot be written`,
    )
    .action(async (reports: string[], opts) => {
      const { baseline } = await import('../baseline.js');
      done(await baseline(reports, opts, ctx));
    });
};
