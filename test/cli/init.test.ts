import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { detectRepo, renderConfig } from '../../src/cli/init.js';
import { runCli } from '../helpers/cli.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-init-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('secgate init', () => {
  it('a Node service with a Dockerfile, SonarQube and an OpenAPI file on GitHub: a valid, commented config and the GitHub snippet', async () => {
    const dir = project({
      'Dockerfile': 'FROM node:20-alpine\n',
      'package.json': '{}',
      'package-lock.json': '{"lockfileVersion":3}',
      'sonar-project.properties': 'sonar.projectKey=acme_shop\nsonar.sources=src\n',
      'api/openapi.yaml': 'openapi: 3.0.3\ninfo: { title: shop, version: "1" }\npaths: {}\n',
      '.github/workflows/ci.yml': 'on: push\n',
      'node_modules/x/package-lock.json': '{}',
    });
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'secgate.yml'), 'utf8');
    const config = parseConfig(text, 'secgate.yml'); // throws a ConfigError if the schema rejects it
    expect(config.policy.fail_on).toEqual([{ severity: 'high' }]);
    const raw = parse(text);
    expect(Object.keys(raw.scanners).sort()).toEqual(['grype', 'npm-audit', 'trivy']);
    expect(raw.scanners.trivy).toMatchObject({ mode: 'fs', target: '.', scanners: ['vuln', 'misconfig', 'secret'] });
    expect(text).toMatch(/^\s*#\s+api_definition: "api\/openapi.yaml"$/m); // ZAP needs a URL: offered, commented
    expect(text).toContain('acme_shop');
    expect(r.stdout).toContain('.github/workflows/secgate.yml');
    expect(r.stdout).toContain('github/codeql-action/upload-sarif');
    expect(r.stdout).not.toContain('include:');
    // The printed workflow is YAML.
    const wf = r.stdout.split('# GitHub Actions: .github/workflows/secgate.yml\n')[1]!.split('\n\n')[0]!;
    expect(parse(wf).jobs.secgate.steps).toHaveLength(3);
  });

  it('GitLab project with Go: trivy only, the include snippet, and the job-token caveat', async () => {
    const dir = project({ 'go.sum': '', '.gitlab-ci.yml': 'stages: [test]\n' });
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'secgate.yml'), 'utf8');
    parseConfig(text, 'secgate.yml');
    expect(Object.keys(parse(text).scanners)).toEqual(['trivy']);
    expect(r.stdout).toContain('templates/gitlab/secgate.gitlab-ci.yml');
    expect(r.stdout).toMatch(/job token cannot post notes/);
    expect(r.stdout).not.toContain('upload-sarif');
  });

  it('an empty repository still gets a valid config (policy only)', () => {
    const dir = project({});
    const text = renderConfig(detectRepo(dir));
    expect(parseConfig(text, 'secgate.yml').source).toBe('secgate.yml');
    expect(parse(text).scanners).toBeUndefined();
  });

  it('hostile file names stay YAML strings', () => {
    const dir = project({ 'svc: x/Dockerfile': 'FROM scratch\n', 'openapi.json': '{"openapi":"3.1.0"}' });
    const text = renderConfig(detectRepo(dir));
    parseConfig(text, 'secgate.yml');
    expect(parse(text).version).toBe(1);
  });

  it('never overwrites without --force', async () => {
    const dir = project({ 'secgate.yml': 'version: 1\n# mine\n', 'go.sum': '' });
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secgate.yml already exists.*--force/);
    expect(readFileSync(join(dir, 'secgate.yml'), 'utf8')).toBe('version: 1\n# mine\n');
    expect((await runCli(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'secgate.yml'), 'utf8')).toContain('trivy');
  });
});

describe('the pre-push profile init writes', () => {
  it('is what `--profile pre-push` loads: only the quick scanner, the same policy', () => {
    const dir = project({ 'Dockerfile': 'FROM alpine\n', 'package-lock.json': '{}' });
    const text = renderConfig(detectRepo(dir));
    const full = parseConfig(text, 'secgate.yml');
    const prePush = parseConfig(text, 'secgate.yml', 'pre-push');
    expect(Object.keys(full.scanners ?? {}).sort()).toEqual(['grype', 'npm-audit', 'trivy']);
    expect(Object.keys(prePush.scanners ?? {})).toEqual(['trivy']);
    expect(prePush.policy).toEqual(full.policy);
  });
});
