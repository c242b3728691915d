import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HOOK_ARGS, HOOK_MARKER } from '../../src/cli/hook.js';
import { runCli } from '../helpers/cli.js';

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-hook-'));
  execFileSync('git', ['init', '-q', dir]);
  return dir;
}
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir }).toString().trim();

/** Run a hook file as git would, with a fake `secgate` on PATH that records its arguments. */
function runHook(dir: string, hook: string): { status: number; args: string } {
  const bin = join(dir, '.fakebin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'secgate'), `#!/bin/sh\necho "$@" > "${join(dir, 'args.txt')}"\nexit 1\n`);
  chmodSync(join(bin, 'secgate'), 0o755);
  try {
    execFileSync('sh', [hook, 'origin', 'git@example.com:x.git'], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin` }, stdio: 'pipe' });
    return { status: 0, args: readFileSync(join(dir, 'args.txt'), 'utf8').trim() };
  } catch (e) {
    return { status: (e as { status: number }).status, args: existsSync(join(dir, 'args.txt')) ? readFileSync(join(dir, 'args.txt'), 'utf8').trim() : '' };
  }
}

describe('secgate hook install', () => {
  it('plain git: an executable .git/hooks/pre-push that runs secgate with the pre-push profile and blocks on its exit code', async () => {
    const dir = repo();
    const r = await runCli(['hook', 'install'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const hook = join(dir, '.git', 'hooks', 'pre-push');
    expect(readFileSync(hook, 'utf8')).toContain(HOOK_MARKER);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    const ran = runHook(dir, hook);
    expect(ran.args).toBe(HOOK_ARGS);
    expect(ran.status).toBe(1); // secgate said "violated": the push is refused
    // Idempotent.
    expect((await runCli(['hook', 'install'], { cwd: dir })).stdout).toMatch(/already installed/);
  });

  it('works from a subdirectory of the work tree', async () => {
    const dir = repo();
    mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
    expect((await runCli(['hook', 'install'], { cwd: join(dir, 'src', 'deep') })).code).toBe(0);
    expect(existsSync(join(dir, '.git', 'hooks', 'pre-push'))).toBe(true);
  });

  it('respects core.hooksPath', async () => {
    const dir = repo();
    git(dir, 'config', 'core.hooksPath', '.githooks');
    const r = await runCli(['hook', 'install'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, '.githooks', 'pre-push'), 'utf8')).toContain(HOOK_MARKER);
    expect(existsSync(join(dir, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  it('never replaces a foreign hook without --force; with --force keeps a backup', async () => {
    const dir = repo();
    const hook = join(dir, '.git', 'hooks', 'pre-push');
    writeFileSync(hook, '#!/bin/sh\nnpm test\n');
    const r = await runCli(['hook', 'install'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/already exists and was not written by secgate.*--force/);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\nnpm test\n');
    const f = await runCli(['hook', 'install', '--force'], { cwd: dir });
    expect(f.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain(HOOK_MARKER);
    expect(readFileSync(`${hook}.secgate-backup`, 'utf8')).toBe('#!/bin/sh\nnpm test\n');
  });

  it('husky (.husky/ with core.hooksPath=.husky/_): writes .husky/pre-push, appends to an existing one only with --force', async () => {
    const dir = repo();
    mkdirSync(join(dir, '.husky', '_'), { recursive: true });
    git(dir, 'config', 'core.hooksPath', '.husky/_');
    expect((await runCli(['hook', 'install'], { cwd: dir })).code).toBe(0);
    const file = join(dir, '.husky', 'pre-push');
    expect(readFileSync(file, 'utf8')).toContain(HOOK_MARKER);
    expect(runHook(dir, file).args).toBe(HOOK_ARGS);

    const other = repo();
    mkdirSync(join(other, '.husky'), { recursive: true });
    writeFileSync(join(other, '.husky', 'pre-push'), 'npm test\n');
    expect((await runCli(['hook', 'install'], { cwd: other })).code).toBe(2);
    expect((await runCli(['hook', 'install', '--force'], { cwd: other })).code).toBe(0);
    const text = readFileSync(join(other, '.husky', 'pre-push'), 'utf8');
    expect(text.startsWith('npm test\n')).toBe(true);
    expect(text).toContain(HOOK_MARKER);
  });

  it('lefthook: adds pre-push.commands.secgate to lefthook.yml, keeping what is there (comments too)', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'lefthook.yml'), '# team hooks\npre-commit:\n  commands:\n    lint:\n      run: npm run lint\n');
    const r = await runCli(['hook', 'install'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lefthook install/);
    const text = readFileSync(join(dir, 'lefthook.yml'), 'utf8');
    expect(text).toContain('# team hooks');
    const cfg = parse(text);
    expect(cfg['pre-commit'].commands.lint.run).toBe('npm run lint');
    expect(cfg['pre-push'].commands.secgate.run).toBe(`npx --no-install secgate ${HOOK_ARGS}`);
    expect(existsSync(join(dir, '.git', 'hooks', 'pre-push'))).toBe(false);
    expect((await runCli(['hook', 'install'], { cwd: dir })).stdout).toMatch(/already has/);
  });

  it('outside a git repository: exit 2, one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-nogit-'));
    const r = await runCli(['hook', 'install'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git work tree/);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  it('declares a pre-push hook running the same command', () => {
    const hooks = parse(readFileSync(join(import.meta.dirname, '..', '..', '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ id: 'secgate', entry: `secgate ${HOOK_ARGS}`, language: 'node', pass_filenames: false, stages: ['pre-push'] });
  });
});
