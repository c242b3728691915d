import { Option } from 'commander';
import { collect, type CommandDefinition } from './types.js';
import { sarifLayoutOption } from './sarif-layout.js';

export const checkCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('check')
    .summary('read scanner reports, write one SARIF log, apply the policy')
    .description(
      'Read scanner reports (format detected from the content), merge them into one SARIF 2.1.0 log, apply the policy and exit 0 (pass), 1 (policy violated) or 2 (no verdict possible).',
    )
    .argument('[reports...]', 'report files: Grype JSON, Trivy JSON, SARIF 2.1.0 (any tool)')
    .option('--sarif <file>', 'where to write the merged SARIF log', 'secgate.sarif')
    .addOption(sarifLayoutOption())
    .option('-c, --config <file>', 'configuration file (default: secgate.yml when present)')
    .option('--profile <name>', 'use secgate.yml\'s profiles.<name> (e.g. pre-push: the fast scanners only)')
    .addOption(new Option('-f, --format <id|id:path>', 'force the format of all reports, or of one (repeatable)').argParser(collect).default([]))
    .option('--sarif-schema <file>', 'validate the output against this JSON Schema (e.g. the official sarif-schema-2.1.0.json) instead of the built-in one')
    .option('--baseline <sarif>', 'a previous secgate SARIF log (e.g. from the default branch): findings are marked new / unchanged / updated, and fixed ones reported')
    .option('--diff-base <ref>', 'git ref: code findings on lines changed since it, and dependency findings on packages changed in package-lock.json or go.sum, are new')
    .addOption(new Option('--vex <file>', 'OpenVEX or CycloneDX VEX document (repeatable; added to secgate.yml vex:)').argParser(collect).default([]))
    .option('--json', 'print the verdict as JSON on stdout (the table goes to stderr)')
    .addOption(new Option('--report <format:path>', 'also write a report in any format of `secgate report` (repeatable), e.g. junit:secgate-junit.xml, codequality:gl-code-quality.json, html:secgate.html').argParser(collect).default([]))
    .option('--comment', 'post or update the sticky PR/MR comment (GitHub: GITHUB_TOKEN; GitLab: SECGATE_GITLAB_TOKEN)')
    .option('--no-github', 'in GitHub Actions, do not write annotations, the job summary or step outputs')
    .option('-q, --quiet', 'print only the verdict line')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .option('--apply', 'run the actions: configured in secgate.yml (default: dry run, each says what it would do)')
    .option('--history <file>', 'append a summary line to this history file (for secgate trend; also: history: in secgate.yml)')
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
      const { check } = await import('../check.js');
      done(await check(reports, opts, ctx));
    });
};
