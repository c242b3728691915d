import { Option } from 'commander';
import type { CommandDefinition } from './types.js';

export const exportCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('export')
    .summary('send a secgate SARIF log to a security hub (AWS Security Hub ASFF, Google Cloud SCC)')
    .description('Convert the findings of a secgate SARIF log to AWS Security Hub findings (ASFF, BatchImportFindings batches) or Google Cloud Security Command Center CreateFinding requests; optionally upload the ASFF batches.')
    .option('--from <file>', 'the SARIF log written by secgate check/run', 'secgate.sarif')
    .addOption(new Option('--format <format>', 'output format').choices(['asff', 'gcp-scc']).makeOptionMandatory())
    .option('-o, --output <file>', 'where to write the JSON (default: stdout)')
    .option('-c, --config <file>', 'configuration file (export: section; default: secgate.yml when present)')
    .option('--aws-account-id <id>', 'ASFF AwsAccountId (12 digits)')
    .option('--aws-region <region>', 'ASFF Region and the Security Hub region for --upload')
    .option('--product-arn <arn>', 'ASFF ProductArn (default: the account\'s default product)')
    .option('--upload', 'ASFF: call BatchImportFindings with the credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)')
    .option('--endpoint <url>', 'Security Hub endpoint override (also: AWS_ENDPOINT_URL_SECURITYHUB)')
    .option('--scc-source <name>', 'SCC source: organizations/<org>/sources/<id>')
    .option('--scc-resource <name>', 'SCC resourceName: a full resource name, //…')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate export --format asff --aws-account-id 111122223333 --aws-region eu-west-1 -o findings.asff.json
  $ secgate export --format asff --aws-account-id 111122223333 --aws-region eu-west-1 --upload
  $ secgate export --format gcp-scc --scc-source organizations/123/sources/456 --scc-resource //cloudresourcemanager.googleapis.com/projects/789 -o scc.json

ASFF output is a JSON array of BatchImportFindings request bodies ({"Findings": [...]}, at most 100 findings and 240 KB each).
Exit codes: 0 exported · 2 unreadable log, bad option, or a failed/partial upload`,
    )
    .action(async (opts) => {
      const { exportLog } = await import('../export.js');
      done(await exportLog(opts, ctx));
    });
};
