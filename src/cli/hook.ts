import { existsSync } from 'node:fs';
import { chmod, copyFile, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { isMap, parseDocument } from 'yaml';
import { ConfigError, OutputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { write, type CliContext } from './context.js';

/** Our hooks carry this line; a hook without it belongs to someone else. */
export const HOOK_MARKER = '# secgate-hook v1';
/** What the hook runs (the `pre-push` profile of secgate.yml keeps it fast). */
export const HOOK_ARGS = 'run --profile pre-push';

const LEFTHOOK_FILES = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml'];

/** The command line the hook runs: the project's own secgate first, then one on PATH. */
const RUN_LINES = [
  'if [ -x ./node_modules/.bin/secgate ]; then set -- ./node_modules/.bin/secgate',
  'elif command -v secgate >/dev/null 2>&1; then set -- secgate',
  'else echo "secgate: not installed (npm install --save-dev secgate): push not checked — install it, or skip once with git push --no-verify" >&2; exit 1',
  'fi',
  `exec "$@" ${HOOK_ARGS}`,
];

export function plainHook(): string {
  return [
    '#!/bin/sh',
    `${HOOK_MARKER}: installed by \`secgate hook install\`; runs the security gate before every push.`,
    '# Skip once: git push --no-verify. Uninstall: delete this file.',
    ...RUN_LINES,
    '',
  ].join('\n');
}

/** husky v9 hook files are plain shell run by husky's own wrapper: no shebang needed. */
export function huskyBlock(): string {
  return [`${HOOK_MARKER}: added by \`secgate hook install\` (skip once: git push --no-verify)`, '( # a subshell: exec ends only this block', ...RUN_LINES.map((l) => `  ${l}`), ')', ''].join('\n');
}

interface InstallOptions {
  force?: boolean;
}

export async function installHook(opts: InstallOptions, ctx: CliContext): Promise<number> {
  const root = await git(ctx.cwd, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new ConfigError(`${ctx.cwd} is not inside a git work tree`, 'run `secgate hook install` in the repository (git init first)');
  });
  const say = (s: string) => write(ctx.stdout, `${s}\n`);

  const lefthook = LEFTHOOK_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  if (lefthook) {
    await installLefthook(lefthook, root, say);
    return 0;
  }

  const hooksPath = await git(root, ['config', '--get', 'core.hooksPath']).catch(() => '');
  const husky = existsSync(join(root, '.husky')) && (hooksPath === '' || /^\.husky(\/_)?\/?$/.test(hooksPath.replace(/^\.\//, '')));
  if (husky) {
    await installHusky(join(root, '.husky', 'pre-push'), root, opts, say);
    return 0;
  }

  const dir = hooksPath ? (isAbsolute(hooksPath) ? hooksPath : resolve(root, hooksPath)) : resolve(root, await git(root, ['rev-parse', '--git-path', 'hooks']));
  const file = join(dir, 'pre-push');
  if (existsSync(file)) {
    const current = await readFile(file, 'utf8');
    if (current === plainHook()) {
      await say(`secgate: the pre-push hook is already installed (${shown(root, file)})`);
      return 0;
    }
    if (!current.includes(HOOK_MARKER)) {
      if (!opts.force) {
        throw new ConfigError(
          `${shown(root, file)} already exists and was not written by secgate`,
          `add \`secgate ${HOOK_ARGS}\` to it yourself, or rerun with --force to replace it (it is kept as pre-push.secgate-backup)`,
        );
      }
      await copyFile(file, `${file}.secgate-backup`);
      await say(`secgate: kept the previous hook as ${shown(root, `${file}.secgate-backup`)}`);
    }
  }
  await writeFileAtomic(file, plainHook());
  await chmod(file, 0o755);
  await say(`secgate: installed the pre-push hook (${shown(root, file)}${hooksPath ? `, core.hooksPath=${hooksPath}` : ''}): \`secgate ${HOOK_ARGS}\` runs before every push`);
  return 0;
}

async function installHusky(file: string, root: string, opts: InstallOptions, say: (s: string) => Promise<void>): Promise<void> {
  const current = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  if (current?.includes(HOOK_MARKER)) {
    await say(`secgate: the husky pre-push hook already runs secgate (${shown(root, file)})`);
    return;
  }
  if (current !== undefined && current.trim() !== '' && !opts.force) {
    throw new ConfigError(`${shown(root, file)} (husky) already has commands`, `add \`npx --no-install secgate ${HOOK_ARGS}\` to it, or rerun with --force to append secgate's block (your commands stay)`);
  }
  // husky hooks are lists of commands: with --force ours is appended, theirs stay first.
  const text = current && current.trim() !== '' ? `${current.replace(/\n*$/, '\n')}\n${huskyBlock()}` : huskyBlock();
  await writeFileAtomic(file, text);
  await chmod(file, 0o755);
  await say(`secgate: ${current ? 'added secgate to' : 'created'} the husky pre-push hook (${shown(root, file)})`);
}

async function installLefthook(file: string, root: string, say: (s: string) => Promise<void>): Promise<void> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigError(`${shown(root, file)}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'fix it, then rerun `secgate hook install`');
  if (doc.getIn(['pre-push', 'commands', 'secgate']) !== undefined) {
    await say(`secgate: ${shown(root, file)} already has a pre-push command named secgate`);
    return;
  }
  const prePush = doc.get('pre-push');
  if (prePush !== undefined && !isMap(prePush)) throw new ConfigError(`${shown(root, file)}: pre-push is not a mapping`, `add under pre-push.commands: secgate: { run: npx --no-install secgate ${HOOK_ARGS} }`);
  // lefthook's documented form: <hook>.commands.<name>.run; comments and order in the file are kept.
  doc.setIn(['pre-push', 'commands', 'secgate', 'run'], `npx --no-install secgate ${HOOK_ARGS}`);
  await writeFileAtomic(file, doc.toString()).catch((e: unknown) => {
    throw e instanceof OutputError ? e : new OutputError(String(e));
  });
  await say(`secgate: added pre-push.commands.secgate to ${shown(root, file)} — run \`lefthook install\` if its hooks are not installed yet`);
}

async function git(cwd: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(r.stderr || `git ${args.join(' ')} failed`);
  return r.stdout.trim();
}

function shown(root: string, file: string): string {
  const rel = relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
