import { Option } from 'commander';
import { collect, type CommandDefinition } from './types.js';
import { sarifLayoutOption } from './sarif-layout.js';

export const runCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('run')
    .summary('run the configured scanners in parallel, then apply the policy')
    .description(
      'Run the scanners configured under scanners: in secgate.yml (in parallel, each with its timeout), read the reports listed under reports:, merge everything into one SARIF 2.1.0 log, apply the policy and exit 0 (pass), 1 (policy violated) or 2 (no verdict possible: a scanner failed, timed out or wrote no readable report).',
    )
    .addOption(new Option('--only <ids>', 'run only these scanners (comma-separated or repeated); reports: are not read').argParser(collect).default([]))
    .option('--sarif <file>', 'where to write the merged SARIF log', 'secgate.sarif')
    .addOption(sarifLayoutOption())
    .option('-c, --config <file>', 'configuration file (default: secgate.yml when present)')
    .option('--profile <name>', 'use secgate.yml\'s profiles.<name> (e.g. pre-push: the fast scanners only)')
    .option('--sarif-schema <file>', 'validate the output against this JSON Schema instead of the built-in one')
    .option('--json', 'print the verdict as JSON on stdout (the table goes to stderr)')
    .option('--baseline <sarif>', 'a previous secgate SARIF log (e.g. from the default branch): findings are marked new / unchanged / updated, and fixed ones reported')
    .option('--diff-base <ref>', 'git ref: code findings on lines changed since it, and dependency findings on packages changed in package-lock.json, are new')
    .addOption(new Option('--vex <file>', 'OpenVEX or CycloneDX VEX document (repeatable; added to secgate.yml vex:)').argParser(collect).default([]))
    .addOption(new Option('--report <format:path>', 'also write a report: console, markdown, junit, codequality, html or sarif (repeatable), e.g. junit:secgate-junit.xml').argParser(collect).default([]))
    .option('--comment', 'post or update the sticky PR/MR comment (GitHub: GITHUB_TOKEN; GitLab: SECGATE_GITLAB_TOKEN)')
    .option('--no-github', 'in GitHub Actions, do not write annotations, the job summary or step outputs')
    .option('-q, --quiet', 'no progress; print only the verdict line (and one line per failed scanner)')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('--keep-work', 'keep the scanners\' work directories with their raw reports, and say where')
    .option('--apply', 'run the actions: configured in secgate.yml (default: dry run, each says what it would do)')
    .option('--history <file>', 'append a summary line to this history file (for secgate trend; also: history: in secgate.yml)')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate run
  $ secgate run --only grype,trivy --sarif out/security.sarif

Progress goes to stderr: a spinner line per scanner on a terminal, plain lines in CI.
Exit codes: 0 pass · 1 policy violated · 2 no verdict possible (bad config, failed/timed-out scanner, unreadable report)`,
    )
    .action(async (opts) => {
      const { run } = await import('../run.js');
      done(await run(opts, ctx));
    });
};
