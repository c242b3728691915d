import type { CommandDefinition } from './types.js';

export const explainCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('explain')
    .summary('say why a secgate SARIF log passed or failed')
    .description(
      'Read the verdict embedded in a SARIF log written by `secgate check` (or `run`) and explain it: for a failing build each violated rule with the findings that tripped it (location, package, fix version); for any build what was waived, expires soon, is stale, suppressed by VEX, fixed since the baseline, or only warned.',
    )
    .argument('[sarif]', 'the SARIF log secgate wrote', 'secgate.sarif')
    .option('--top <n>', 'findings and waivers listed per section', (v) => Number.parseInt(v, 10), 10)
    .option('--json', 'print the embedded verdict as JSON')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate explain
  $ secgate explain out/security.sarif --top 25

Exit codes: 0 explained (whatever the verdict) · 2 the log is unreadable or carries no secgate verdict`,
    )
    .action(async (sarif: string, opts) => {
      const { explain } = await import('../explain.js');
      done(await explain(sarif, opts, ctx));
    });
};
