import type { CommandDefinition } from './types.js';

export const commentCommand: CommandDefinition = (program, ctx, done) => {
  program
    .command('comment')
    .summary('post or update the one sticky secgate comment on the pull/merge request')
    .description(
      'Post the verdict and findings of a SARIF log written by secgate as ONE comment on the GitHub pull request or GitLab merge request this CI job is about, updated in place on every push (found by a hidden marker). GitHub: GITHUB_TOKEN with pull-requests: write; a fork PR (read-only token) gets the job summary instead. GitLab: a token with api scope in SECGATE_GITLAB_TOKEN (or --gitlab-token-var) — CI_JOB_TOKEN cannot post notes.',
    )
    .option('--from <file>', 'the SARIF log written by `secgate check` / `secgate run`', 'secgate.sarif')
    .option('--key <name>', 'keep one comment per key (several secgate jobs on one PR/MR)')
    .option('--title <text>', 'heading of the comment', 'secgate')
    .option('--gitlab-token-var <NAME>', 'environment variable holding the GitLab token (default SECGATE_GITLAB_TOKEN, else GITLAB_TOKEN)')
    .option('--timeout <seconds>', 'give up on the API after this many seconds', '30')
    .option('--debug', 'print stack traces for errors')
    .addHelpText(
      'after',
      `
Examples:
  $ secgate comment --from secgate.sarif
  $ secgate comment --from api.sarif --key api --title "secgate: api"

Exit codes: 0 posted/updated, or nothing to comment on (not a PR/MR), or fork fallback to the job summary · 2 could not post (no token, API error)`,
    )
    .action(async (opts) => {
      const { comment } = await import('../comment.js');
      done(await comment(opts, ctx));
    });
};
