import type { CiFacts } from './types.js';

/**
 * Branch / pull request facts from the CI's predefined variables (GitHub Actions, GitLab CI),
 * read from the env object the CLI passes in. Runners that scope by branch (SonarQube) use them.
 */
export function ciFacts(env: NodeJS.ProcessEnv): CiFacts {
  if (env['GITHUB_ACTIONS'] === 'true') {
    const pr = /^refs\/pull\/(\d+)\//.exec(env['GITHUB_REF'] ?? '')?.[1];
    return clean({
      provider: 'github',
      branch: env['GITHUB_HEAD_REF'] || env['GITHUB_REF_NAME'],
      pullRequest: pr,
      baseBranch: env['GITHUB_BASE_REF'] || undefined,
      commit: env['GITHUB_SHA'],
    });
  }
  if (env['GITLAB_CI'] === 'true') {
    return clean({
      provider: 'gitlab',
      branch: env['CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'] || env['CI_COMMIT_BRANCH'] || env['CI_COMMIT_REF_NAME'],
      pullRequest: env['CI_MERGE_REQUEST_IID'],
      baseBranch: env['CI_MERGE_REQUEST_TARGET_BRANCH_NAME'],
      commit: env['CI_COMMIT_SHA'],
    });
  }
  return { provider: 'local' };
}

function clean(f: CiFacts): CiFacts {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as CiFacts;
}
