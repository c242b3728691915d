import { describe, expect, it } from 'vitest';
import { detectCi, redact, secretsOf } from '../../src/publish/ci-env.js';

describe('detectCi', () => {
  it('GitHub Actions from its predefined variables', () => {
    const ci = detectCi({ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_SERVER_URL: 'https://ghe.example.com', GITHUB_RUN_ID: '99', GITHUB_TOKEN: 'ghs_x', GITHUB_STEP_SUMMARY: '/tmp/s', GITHUB_OUTPUT: '/tmp/o' });
    expect(ci).toMatchObject({ provider: 'github', actions: true, apiUrl: 'https://ghe.example.com/api/v3', repository: 'acme/shop', token: 'ghs_x', runUrl: 'https://ghe.example.com/acme/shop/actions/runs/99' });
  });

  it('GitHub defaults to api.github.com', () => {
    expect(detectCi({ GITHUB_ACTIONS: 'true' })).toMatchObject({ provider: 'github', apiUrl: 'https://api.github.com' });
  });

  it('GitLab CI with the configured token variable; CI_JOB_TOKEN alone is noticed, never used', () => {
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: 'https://gitlab.example.com/api/v4', CI_PROJECT_ID: '12', CI_MERGE_REQUEST_IID: '3', CI_JOB_TOKEN: 'jobtok', MY_NOTE_TOKEN: 'glpat-1' };
    expect(detectCi(env, { gitlabTokenVariable: 'MY_NOTE_TOKEN' })).toMatchObject({ provider: 'gitlab', token: 'glpat-1', tokenVariable: 'MY_NOTE_TOKEN', onlyJobToken: false, mergeRequestIid: '3' });
    expect(detectCi(env)).toMatchObject({ provider: 'gitlab', token: undefined, tokenVariable: 'SECGATE_GITLAB_TOKEN', onlyJobToken: true });
    expect(detectCi({ ...env, GITLAB_TOKEN: 'glpat-2' })).toMatchObject({ token: 'glpat-2', tokenVariable: 'GITLAB_TOKEN' });
  });

  it('anything else is local', () => {
    expect(detectCi({ CI: 'true' })).toEqual({ provider: 'local' });
    expect(detectCi({ GITHUB_ACTIONS: '' })).toEqual({ provider: 'local' });
  });
});

describe('redact', () => {
  it('removes every token the environment holds from a message', () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_TOKEN: 'ghs_secret123' };
    const secrets = secretsOf(detectCi(env), env);
    expect(redact('failed: Bearer ghs_secret123 ghs_secret123', secrets)).toBe('failed: Bearer *** ***');
  });
});
