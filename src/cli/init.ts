import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { write, type CliContext } from './context.js';
import { HOOK_ARGS } from './hook.js';

/** What `secgate init` found in the repository. */
export interface RepoFacts {
  dockerfiles: string[];
  lockfiles: string[];
  npmLock: string | undefined;
  sonarProjectKey: string | undefined;
  sonarProperties: boolean;
  openapi: string | undefined;
  github: boolean;
  gitlab: boolean;
  name: string;
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'go.sum', 'requirements.txt', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock', 'Cargo.lock', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'gradle.lockfile', 'packages.lock.json', 'mix.lock', 'pubspec.lock'];
const OPENAPI_NAMES = /^(openapi|swagger)(\.v?\d+)?\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', 'vendor', 'target', '.venv', 'venv', '__pycache__']);

/** Walk the top of the repository (two levels: monorepos keep services one level down). */
export function detectRepo(root: string): RepoFacts {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < 2 && !SKIP_DIRS.has(e) && !(e.startsWith('.') && e !== '.github')) walk(p, depth + 1);
      } else files.push(relative(root, p));
    }
  };
  walk(root, 0);
  const named = (f: string) => basename(f);
  const dockerfiles = files.filter((f) => /^(Dockerfile|Containerfile)(\..+)?$/.test(named(f)) || /\.Dockerfile$/.test(named(f)));
  const lockfiles = files.filter((f) => LOCKFILES.includes(named(f)));
  const sonar = files.includes('sonar-project.properties');
  const openapi = files.find((f) => OPENAPI_NAMES.test(named(f))) ?? files.find((f) => /\.(ya?ml|json)$/.test(f) && /(^|\/)(api|docs|spec|openapi)\//.test(f) && looksLikeOpenApi(join(root, f)));
  return {
    dockerfiles,
    lockfiles,
    npmLock: lockfiles.find((f) => f === 'package-lock.json' || f === 'npm-shrinkwrap.json'),
    sonarProperties: sonar,
    sonarProjectKey: sonar ? sonarKey(join(root, 'sonar-project.properties')) : undefined,
    openapi,
    github: existsSync(join(root, '.github')),
    gitlab: existsSync(join(root, '.gitlab-ci.yml')),
    name: imageName(basename(root)),
  };
}

function looksLikeOpenApi(path: string): boolean {
  try {
    return /^\s*["']?(openapi|swagger)["']?\s*:/m.test(readFileSync(path, 'utf8').slice(0, 2000));
  } catch {
    return false;
  }
}

function sonarKey(path: string): string | undefined {
  const m = /^\s*sonar\.projectKey\s*[=:]\s*(.+?)\s*$/m.exec(readFileSync(path, 'utf8'));
  return m?.[1];
}

function imageName(dir: string): string {
  return dir.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '') || 'app';
}

/** YAML scalar that stays a plain string whatever the repository's file names hold. */
function q(s: string): string {
  return JSON.stringify(s);
}

/** The commented secgate.yml for what was found: valid against the config schema as written. */
export function renderConfig(f: RepoFacts): string {
  const found = [...f.dockerfiles, ...f.lockfiles, ...(f.sonarProperties ? ['sonar-project.properties'] : []), ...(f.openapi ? [f.openapi] : [])];
  const out: string[] = [
    '# yaml-language-server: $schema=./node_modules/secgate/schema/secgate.schema.json',
    '# secgate configuration, written by `secgate init`.',
    found.length ? `# Found: ${found.slice(0, 12).join(', ')}${found.length > 12 ? ', …' : ''}` : '# Found no Dockerfile, lock file, sonar-project.properties or OpenAPI file: add scanners by hand.',
    '# Every key is checked against schema/secgate.schema.json; a mistake is reported with its line.',
    'version: 1',
    '',
    'policy:',
    '  # The build fails on any unsuppressed critical or high finding (the same CVE seen by two',
    '  # scanners counts once).',
    '  fail_on:',
    '    - { severity: high }',
    '  # Shown in the summary and the PR/MR comment, but not failing the build.',
    '  warn_on:',
    '    - { severity: medium }',
    '',
  ];
  const scanners: string[] = [];
  if (f.lockfiles.length || f.dockerfiles.length) {
    scanners.push(
      '  # Dependencies (lock files), misconfigurations (Dockerfile, IaC) and secrets in the repository.',
      '  trivy:',
      '    mode: fs',
      '    target: "."',
      `    scanners: [vuln${f.dockerfiles.length ? ', misconfig' : ''}, secret]`,
    );
  }
  if (f.dockerfiles.length) {
    scanners.push(
      `  # The image built from ${f.dockerfiles[0]}: set the name your pipeline builds and pushes.`,
      '  grype:',
      `    target: ${q(`${f.name}:latest`)}`,
    );
  }
  if (f.npmLock) {
    const dir = f.npmLock.includes('/') ? f.npmLock.slice(0, f.npmLock.lastIndexOf('/')) : '.';
    scanners.push('  # npm\'s own advisory database for the packages in package-lock.json.', '  npm-audit:', `    dir: ${q(dir)}`, '    omit: [dev]');
  }
  if (scanners.length) out.push('# Scanners `secgate run` starts (in parallel, each with a timeout; a failure is exit 2).', 'scanners:', ...scanners);
  else out.push('# Scanners `secgate run` starts, e.g.:', '# scanners:', '#   trivy: { mode: fs, target: "." }');
  if (f.openapi) {
    out.push(
      `  # DAST against the API described in ${f.openapi}: it needs the app running. Uncomment and`,
      '  # set the URL where the pipeline serves it:',
      '  # zap:',
      '  #   mode: api',
      '  #   target: "http://localhost:8080"',
      `  #   api_definition: ${q(f.openapi)}`,
    );
  }
  if (f.sonarProperties) {
    out.push(
      '',
      `# SonarQube${f.sonarProjectKey ? ` (project ${f.sonarProjectKey})` : ''}: read its issues and quality gate from a`,
      '# report the SonarQube step saved (api/issues/search JSON), e.g.:',
      '# reports:',
      '#   - sonarqube-issues.json',
    );
  }
  // The pre-push profile: the quickest scanner found, so a push takes seconds, not minutes.
  const quick = f.lockfiles.length || f.dockerfiles.length ? ['      trivy:', '        mode: fs', '        target: "."', '        scanners: [vuln, secret]'] : f.npmLock ? ['      npm-audit: { dir: "." }'] : undefined;
  out.push('', `# \`secgate ${HOOK_ARGS}\` (the hook \`secgate hook install\` writes) uses this profile: its keys`, '# replace the top-level ones. Keep it to the quick scanners so a push takes seconds.');
  if (quick) out.push('profiles:', '  pre-push:', '    scanners:', ...quick);
  else out.push('# profiles:', '#   pre-push:', '#     scanners:', '#       trivy: { mode: fs, target: "." }');
  out.push(
    '',
    '# Reports other jobs already wrote are read too (`secgate check` with no arguments reads them):',
    '# reports:',
    '#   - semgrep.sarif',
    '',
  );
  return out.join('\n');
}

/** The snippet for the CI platform found (GitHub when none is). */
export function ciSnippets(f: RepoFacts): { platform: 'github' | 'gitlab'; file: string; text: string }[] {
  const out: { platform: 'github' | 'gitlab'; file: string; text: string }[] = [];
  if (f.github || !f.gitlab) {
    out.push({
      platform: 'github',
      file: '.github/workflows/secgate.yml',
      text: [
        'name: security gate',
        'on: [push, pull_request]',
        'permissions:',
        '  contents: read',
        '  pull-requests: write   # the sticky PR comment',
        '  security-events: write # SARIF upload to code scanning',
        'jobs:',
        '  secgate:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - id: gate',
        '        uses: <owner>/secgate@v0 # the repository holding secgate\'s action.yml',
        '        with:',
        '          command: run',
        '          comment: true',
        '      - uses: github/codeql-action/upload-sarif@v3',
        '        if: always() && steps.gate.outputs.sarif != \'\'',
        '        with:',
        '          sarif_file: ${{ steps.gate.outputs.sarif }}',
        '          category: secgate',
      ].join('\n'),
    });
  }
  if (f.gitlab) {
    out.push({
      platform: 'gitlab',
      file: '.gitlab-ci.yml',
      text: [
        'include:',
        '  - project: <group>/secgate # or: remote: https://…/templates/gitlab/secgate.gitlab-ci.yml',
        '    file: templates/gitlab/secgate.gitlab-ci.yml',
        '',
        'secgate:',
        '  extends: .secgate',
        '  variables:',
        '    SECGATE_COMMAND: run',
        '# MR notes need a project access token (api scope) in a masked variable SECGATE_GITLAB_TOKEN:',
        '# the CI job token cannot post notes.',
      ].join('\n'),
    });
  }
  return out;
}

export async function init(opts: { config: string; force?: boolean }, ctx: CliContext): Promise<number> {
  const target = resolve(ctx.cwd, opts.config);
  if (existsSync(target) && !opts.force) {
    throw new ConfigError(`${opts.config} already exists`, 'edit it, or rerun `secgate init --force` to replace it');
  }
  const facts = detectRepo(ctx.cwd);
  await writeFileAtomic(target, renderConfig(facts));
  const lines = [`secgate: wrote ${opts.config}${facts.dockerfiles.length + facts.lockfiles.length ? ` for ${[...facts.dockerfiles, ...facts.lockfiles].length} file(s) found` : ''} — review the scanner targets, then run \`secgate run\``, ''];
  for (const s of ciSnippets(facts)) lines.push(`# ${s.platform === 'github' ? 'GitHub Actions' : 'GitLab CI'}: ${s.file}`, s.text, '');
  lines.push(`# Local check before each push: secgate hook install`);
  await write(ctx.stdout, `${lines.join('\n')}\n`);
  return 0;
}
