import { Option } from 'commander';
import type { CommandDefinition } from './types.js';

export const trendCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('trend')
    .summary('render the history file: findings over time, new vs fixed, mean time to fix')
    .description('Read the history secgate check/run/watch append (--history, or history: in secgate.yml) and render findings over time, new vs fixed per run and mean time to fix by severity, as a markdown table or a self-contained HTML chart.')
    .option('--history <file>', 'history file (default: history.path from secgate.yml, or .secgate/history.jsonl)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'html']).default('markdown'))
    .option('-o, --output <file>', 'where to write it (default: stdout)')
    .option('-c, --config <file>', 'configuration file (default: secgate.yml when present)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ secgate check grype.json --history .secgate/history.jsonl
  $ secgate trend --format html -o trend.html

Exit codes: 0 rendered · 2 the history file is missing or unreadable`)
    .action(async (opts) => {
      const { trend } = await import('../trend.js');
      done(await trend(opts, ctx));
    });
};
