/**
 * Which CI system secgate runs in, read from an environment object passed in by the CLI
 * (never process.env here). Pure: reading the event payload file is the GitHub publisher's job.
 */

/** The default name of the variable holding a GitLab token that may post MR notes. */
export const DEFAULT_GITLAB_TOKEN_VARIABLE = 'SECGATE_GITLAB_TOKEN';

export interface GithubCi {
  provider: 'github';
  /** GITHUB_ACTIONS=true: workflow commands, step summary and outputs are understood. */
  actions: boolean;
  apiUrl: string;
  serverUrl: string;
  /** owner/repo */
  repository: string | undefined;
  eventName: string | undefined;
  eventPath: string | undefined;
  /** refs/pull/<n>/merge on pull_request events: the PR number without reading the payload. */
  ref: string | undefined;
  token: string | undefined;
  stepSummaryPath: string | undefined;
  outputPath: string | undefined;
  runUrl: string | undefined;
  /** GITHUB_WORKSPACE: annotation paths are relative to it, not to where secgate runs. */
  workspace: string | undefined;
}

export interface GitlabCi {
  provider: 'gitlab';
  apiUrl: string | undefined;
  projectId: string | undefined;
  mergeRequestIid: string | undefined;
  /** The token from the configured variable (PRIVATE-TOKEN); CI_JOB_TOKEN cannot post notes. */
  token: string | undefined;
  tokenVariable: string;
  /** Only CI_JOB_TOKEN is present: worth saying why no note can be posted. */
  onlyJobToken: boolean;
  pipelineUrl: string | undefined;
}

export interface LocalCi {
  provider: 'local';
}

export type CiEnvironment = GithubCi | GitlabCi | LocalCi;

export interface DetectOptions {
  /** Name of the variable holding the GitLab token (default SECGATE_GITLAB_TOKEN, then GITLAB_TOKEN). */
  gitlabTokenVariable?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function val(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function detectCi(env: Env, opts: DetectOptions = {}): CiEnvironment {
  if (val(env, 'GITHUB_ACTIONS') === 'true' || (val(env, 'GITHUB_REPOSITORY') && val(env, 'GITHUB_EVENT_PATH'))) {
    const serverUrl = (val(env, 'GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '');
    const repository = val(env, 'GITHUB_REPOSITORY');
    const runId = val(env, 'GITHUB_RUN_ID');
    return {
      provider: 'github',
      actions: val(env, 'GITHUB_ACTIONS') === 'true',
      apiUrl: (val(env, 'GITHUB_API_URL') ?? 'https://api.github.com').replace(/\/+$/, ''),
      serverUrl,
      repository,
      eventName: val(env, 'GITHUB_EVENT_NAME'),
      eventPath: val(env, 'GITHUB_EVENT_PATH'),
      ref: val(env, 'GITHUB_REF'),
      token: val(env, 'GITHUB_TOKEN'),
      stepSummaryPath: val(env, 'GITHUB_STEP_SUMMARY'),
      outputPath: val(env, 'GITHUB_OUTPUT'),
      runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
      workspace: val(env, 'GITHUB_WORKSPACE'),
    };
  }
  if (val(env, 'GITLAB_CI') === 'true' || val(env, 'CI_API_V4_URL')) {
    const named = opts.gitlabTokenVariable;
    const tokenVariable = named ?? (val(env, DEFAULT_GITLAB_TOKEN_VARIABLE) || !val(env, 'GITLAB_TOKEN') ? DEFAULT_GITLAB_TOKEN_VARIABLE : 'GITLAB_TOKEN');
    const token = val(env, tokenVariable);
    return {
      provider: 'gitlab',
      apiUrl: val(env, 'CI_API_V4_URL')?.replace(/\/+$/, ''),
      projectId: val(env, 'CI_PROJECT_ID'),
      mergeRequestIid: val(env, 'CI_MERGE_REQUEST_IID'),
      token,
      tokenVariable,
      onlyJobToken: !token && val(env, 'CI_JOB_TOKEN') !== undefined,
      pipelineUrl: val(env, 'CI_PIPELINE_URL'),
    };
  }
  return { provider: 'local' };
}

/** Every secret the environment holds that a publisher may use: redacted from anything printed. */
export function secretsOf(ci: CiEnvironment, env: Env): string[] {
  const names = ['GITHUB_TOKEN', 'CI_JOB_TOKEN', 'GITLAB_TOKEN', DEFAULT_GITLAB_TOKEN_VARIABLE, 'ACTIONS_RUNTIME_TOKEN'];
  if (ci.provider === 'gitlab') names.push(ci.tokenVariable);
  return [...new Set(names.map((n) => val(env, n)).filter((v): v is string => v !== undefined && v.length >= 4))];
}

/** Replace every occurrence of a secret: publisher messages may quote API answers and URLs. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
