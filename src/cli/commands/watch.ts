import { Option } from 'commander';
import { collect, type CommandDefinition } from './types.js';

export const watchCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('watch')
    .summary('continuous monitoring: re-evaluate sources on a schedule or as a file grows, act only on what is new')
    .description('Re-read the watched sources (arguments, --follow, and watch.sources in secgate.yml) every --every interval or whenever the --follow file changes, apply the policy, and run the configured actions only for findings not seen in an earlier evaluation. What was seen is kept in a state file (written atomically), so a restarted watch carries on where it stopped.')
    .argument('[reports...]', 'report files to re-read (any format secgate check reads)')
    .option('--every <interval>', 'evaluate on a schedule: 30s, 15m, 1h (default: watch.every)')
    .option('--follow <file>', 'evaluate whenever this file changes (e.g. Wazuh alerts.json); also a source')
    .option('--state <file>', 'where to remember seen findings (default: watch.state or .secgate/watch-state.json)')
    .option('--once', 'evaluate once and exit (cron-style)')
    .addOption(new Option('--max-iterations <n>', 'stop after n evaluations').argParser((v) => Number.parseInt(v, 10)))
    .addOption(new Option('--poll <ms>', 'how often --follow checks the file').argParser((v) => Number.parseInt(v, 10)).default(1000))
    .option('--apply', 'run the actions for real (default: dry run)')
    .option('--skip-malformed-lines', 'line-delimited sources: skip malformed lines (counted as a warning) instead of stopping')
    .option('--sarif <file>', 'write the latest evaluation\'s SARIF log here')
    .option('--history <file>', 'append a summary line per evaluation (secgate trend)')
    .option('-c, --config <file>', 'configuration file (default: secgate.yml when present)')
    .addOption(new Option('-f, --format <id|id:path>', 'force the format of all sources, or of one (repeatable)').argParser(collect).default([]))
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', `
Examples:
  $ secgate watch --follow /var/ossec/logs/alerts/alerts.json --apply
  $ secgate watch --every 15m wazuh-vulns.json trivy.json
  $ secgate watch --once wazuh-vulns.json          # from cron: acts only on findings new since the last run

Exit codes (bounded runs): those of the last evaluation, 0 pass · 1 policy violated · 2 no verdict possible`)
    .action(async (reports: string[], opts) => {
      const { watch } = await import('../watch.js');
      done(await watch(reports, opts, ctx));
    });
};
