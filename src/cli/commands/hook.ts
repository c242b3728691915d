import type { CommandDefinition } from './types.js';

export const hookCommand: CommandDefinition = (program, ctx, done) => {
  const hook = program.command('hook').summary('install the local pre-push check').description('Git hooks that run secgate before a push.');
  hook
    .command('install')
    .summary('install a pre-push hook that runs secgate with the pre-push profile')
    .description(
      'Install a git pre-push hook running `secgate run --profile pre-push`. Respects core.hooksPath; with husky (.husky/) it writes .husky/pre-push; with lefthook (lefthook.yml) it adds a pre-push command to lefthook.yml. Never replaces a hook it did not write unless --force (the old hook is kept as pre-push.secgate-backup).',
    )
    .option('--force', 'replace (plain git) or extend (husky) a pre-push hook secgate did not write')
    .option('--debug', 'print stack traces for errors')
    .addHelpText('after', '\nSkip the check for one push with `git push --no-verify`.')
    .action(async (opts) => {
      const { installHook } = await import('../hook.js');
      done(await installHook(opts, ctx));
    });
};
