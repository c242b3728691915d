import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { Log, Result, Run } from 'sarif';
import { readLargeJson } from '../io/json-large.js';
import { largeJsonFailure, STREAM_RECORDS_ABOVE } from '../io/read-report.js';
import { isLazyArray } from '../scanners/lazy-array.js';
import type { Config } from '../config/types.js';
import { ConfigError, ReportError } from '../errors.js';
import type { GateInput } from '../pipeline.js';
import { changedPackages, goSumPackages, npmLockPackages, parseUnifiedDiff, type ChangeSet } from '../policy/diff-base.js';
import { GRYPE_CONFIGS, parseGrypeIgnore } from '../policy/ignore-files/grype-yaml.js';
import { TRIVYIGNORE, parseTrivyIgnore } from '../policy/ignore-files/trivyignore.js';
import { TRIVYIGNORE_YAML, parseTrivyIgnoreYaml } from '../policy/ignore-files/trivyignore-yaml.js';
import { ZAP_RULES_FILES, parseZapRules } from '../policy/ignore-files/zap-rules.js';
import { parseVex } from '../policy/vex.js';
import type { Waiver } from '../policy/waivers.js';
import type { IgnoreFileResult } from '../policy/ignore-files/common.js';

export interface PolicyInputOptions {
  baseline?: string | undefined;
  diffBase?: string | undefined;
  vex?: string[] | undefined;
  /** A --baseline file above this many bytes is streamed, its results never all in memory (default 32 MiB). */
  baselineStreamAbove?: number | undefined;
}

export type PolicyInputs = Pick<GateInput, 'baseline' | 'changes' | 'ignoreFileWaivers' | 'vex'> & {
  /** Lines the user should see (ignore-file entries Trivy/ZAP would skip too). */
  notes: string[];
};

/**
 * Everything the policy stages read from disk or git, read here at the edge so the pipeline
 * stays pure: the baseline log, the change set since --diff-base, the scanners' ignore files in
 * the working directory, and the VEX documents (config `vex:` and --vex).
 */
export async function readPolicyInputs(cwd: string, config: Config, opts: PolicyInputOptions): Promise<PolicyInputs> {
  const notes: string[] = [];
  const [baseline, changes, ignore, vex] = await Promise.all([
    opts.baseline ? readBaseline(resolve(cwd, opts.baseline), opts.baseline, opts.baselineStreamAbove ?? STREAM_RECORDS_ABOVE) : undefined,
    opts.diffBase ? readChanges(cwd, opts.diffBase) : undefined,
    config.policy.ignore_files !== false ? readIgnoreFiles(cwd) : { waivers: [], problems: [] },
    Promise.all([...(config.vex ?? []), ...(opts.vex ?? [])].map((f) => readVex(resolve(cwd, f), f))),
  ]);
  notes.push(...ignore.problems);
  return { baseline, changes, ignoreFileWaivers: ignore.waivers, vex, notes };
}

async function readJson(path: string, shown: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportError(shown, code === 'ENOENT' ? 'no such file' : (e as Error).message, `check the ${what} path`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReportError(shown, `not valid JSON: ${(e as Error).message}`, `${what} must be a JSON file`);
  }
}

async function readBaseline(path: string, shown: string, streamAbove: number): Promise<{ log: Log; label: string }> {
  const size = await stat(path).then(
    (st) => st.size,
    () => 0, // readJson says why it cannot be read
  );
  if (size > streamAbove) return { log: readLargeBaseline(path, shown), label: shown };
  const doc = (await readJson(path, shown, '--baseline')) as Log;
  if (!doc || doc.version !== '2.1.0' || !Array.isArray(doc.runs)) throw notSarif(shown);
  return { log: doc, label: shown };
}

/**
 * A big baseline (the log of a big scan): read by streaming (src/io/json-large.ts), each run's
 * results a LazyArray that BaselineIndex walks twice (to index, then for the absent ones) and never
 * holds. Only what matching needs of a run is kept: its tool's name and its results — not its rules.
 */
function readLargeBaseline(path: string, shown: string): Log {
  const fail = (e: unknown) => largeJsonFailure(shown, e, BASELINE_FAILURE_HINTS);
  let doc: Record<string, unknown>;
  try {
    // Every results array over 1 MiB is walked from the file, not parsed whole.
    doc = readLargeJson(path, { arrayInlineMax: 1 << 20, splitElementsOf: ['runs'] });
  } catch (e) {
    throw fail(e);
  }
  const runs = doc['runs'];
  if (doc['version'] !== '2.1.0' || !(Array.isArray(runs) || isLazyArray(runs))) throw notSarif(shown);
  const out: Run[] = [];
  let i = 0;
  try {
    for (const run of runs as Iterable<unknown>) {
      const name = (run as { tool?: { driver?: { name?: unknown } } } | null)?.tool?.driver?.name;
      if (typeof name !== 'string') throw new ReportError(shown, `runs[${i}] has no tool.driver.name: not a SARIF 2.1.0 log`, BASELINE_HINT);
      const results = (run as { results?: unknown }).results;
      if (results !== undefined && results !== null && !Array.isArray(results) && !isLazyArray(results)) throw new ReportError(shown, `runs[${i}].results is not an array`, BASELINE_HINT);
      out.push({ tool: { driver: { name } }, results: (isLazyArray(results) ? failingAs(results, fail) : (results ?? [])) as Result[] });
      i++;
    }
  } catch (e) {
    throw fail(e);
  }
  return { version: '2.1.0', runs: out };
}

const BASELINE_HINT = 'pass a log written by `secgate check` or `secgate baseline`';
const notSarif = (shown: string) => new ReportError(shown, 'not a SARIF 2.1.0 log', BASELINE_HINT);

/** A damaged big baseline (found while it is walked) is the same one line as any unreadable report. */
const BASELINE_FAILURE_HINTS = { truncated: 'the baseline file is cut short: write it again (secgate baseline, or the --sarif of a complete check)', invalid: BASELINE_HINT };

/** `items`, each walk of it turning a reader's error into the one line `fail` makes. */
function failingAs(items: Iterable<unknown>, fail: (e: unknown) => unknown): Iterable<unknown> {
  return {
    *[Symbol.iterator]() {
      try {
        yield* items;
      } catch (e) {
        throw fail(e);
      }
    },
  };
}

async function readVex(path: string, shown: string): Promise<NonNullable<GateInput['vex']>[number]> {
  const doc = await readJson(path, shown, 'VEX document');
  return { file: shown, ...parseVex(doc, shown) };
}

async function readIgnoreFiles(cwd: string): Promise<IgnoreFileResult> {
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  const read = async (name: string, parse: (text: string, file: string) => IgnoreFileResult) => {
    const path = join(cwd, name);
    if (!existsSync(path)) return;
    const r = parse(await readFile(path, 'utf8'), name);
    waivers.push(...r.waivers);
    problems.push(...r.problems);
  };
  await read(TRIVYIGNORE, parseTrivyIgnore);
  await read(TRIVYIGNORE_YAML, parseTrivyIgnoreYaml);
  // Grype reads the first config it finds; so does secgate.
  const grype = GRYPE_CONFIGS.find((f) => existsSync(join(cwd, f)));
  if (grype) await read(grype, parseGrypeIgnore);
  for (const f of ZAP_RULES_FILES) await read(f, parseZapRules);
  return { waivers, problems };
}

/** The lock files --diff-base compares, with the purl type of what they install. */
const LOCK_FILES: [string, string, (text: string | undefined) => Set<string>][] = [
  ['package-lock.json', 'npm', npmLockPackages],
  ['go.sum', 'golang', goSumPackages],
];

/** --diff-base: `git diff --unified=0 <ref>` for lines, and the lock files then and now. */
async function readChanges(cwd: string, ref: string): Promise<ChangeSet> {
  if (ref.startsWith('-')) throw new ConfigError(`--diff-base "${ref}": not a git ref`, 'name a branch, tag or commit: --diff-base origin/main');
  const git = async (args: string[]) => {
    const r = await execa('git', args, { cwd, reject: false, stripFinalNewline: false, maxBuffer: 256 * 1024 * 1024 });
    return r;
  };
  const verify = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (verify.exitCode !== 0) {
    throw new ConfigError(`--diff-base ${ref}: not a commit in the git repository at ${cwd}`, 'fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin main)');
  }
  const diff = await git(['-c', 'core.quotepath=on', 'diff', '--no-color', '--no-ext-diff', '--unified=0', '--no-renames', ref, '--']);
  if (diff.exitCode !== 0) throw new ConfigError(`--diff-base ${ref}: git diff failed: ${String(diff.stderr).trim().split('\n')[0]}`, 'run secgate inside the repository checkout');
  const top = (await git(['rev-parse', '--show-toplevel'])).stdout.toString().trim();
  const prefix = (await git(['rev-parse', '--show-prefix'])).stdout.toString().trim();
  // git diff names files from the repository root; findings name them from the working directory.
  const lines = new Map<string, Set<number>>();
  for (const [file, set] of parseUnifiedDiff(String(diff.stdout))) {
    if (prefix && !file.startsWith(prefix)) continue;
    lines.set(prefix ? file.slice(prefix.length) : file, set);
  }
  // Files not yet tracked are in no diff, yet all of them is new.
  const others = await git(['ls-files', '-z', '--others', '--exclude-standard']);
  const untracked = new Set(String(others.stdout).split('\0').filter(Boolean));
  const packages = new Set<string>();
  const ecosystems = new Set<string>();
  // Lock files beside the working directory, then and now: what they install that they did not.
  for (const [file, ecosystem, read] of LOCK_FILES) {
    const now = existsSync(join(cwd, file)) ? await readFile(join(cwd, file), 'utf8') : undefined;
    if (now === undefined || !top) continue;
    const before = await git(['show', `${ref}:./${file}`]);
    for (const p of changedPackages(read(before.exitCode === 0 ? String(before.stdout) : undefined), read(now))) packages.add(p);
    ecosystems.add(ecosystem);
  }
  return { ref, lines, untracked, packages, ecosystems };
}
