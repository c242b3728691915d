import { Option } from 'commander';
import { collect, type CommandDefinition } from './types.js';
import { sarifLayoutOption } from './sarif-layout.js';

export const mergeCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('merge')
    .summary('merge SARIF logs (or any reports) from sharded jobs into one SARIF log')
    .description(
      'Merge the SARIF logs of sharded jobs (one scanner per matrix job) — or any report secgate reads — into one SARIF 2.1.0 log, without a verdict. Run `secgate check` on the result for the same verdict as one big run.',
    )
    .argument('<reports...>', 'SARIF logs from `secgate check --sarif` in each shard, or native reports')
    .requiredOption('-o, --output <file>', 'where to write the merged SARIF log')
    .addOption(sarifLayoutOption())
    .option('-c, --config <file>', 'configuration file (for policy.unknown_severity; default: secgate.yml when present)')
    .addOption(new Option('-f, --format <id|id:path>', 'force the format of all inputs, or of one (repeatable)').argParser(collect).default([]))
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate merge shards/grype.sarif shards/trivy.sarif shards/zap.sarif -o all.sarif
  $ secgate check all.sarif

Exit codes: 0 merged · 2 an input is unreadable or the output cannot be written`,
    )
    .action(async (reports: string[], opts) => {
      const { merge } = await import('../merge.js');
      done(await merge(reports, opts, ctx));
    });
};
