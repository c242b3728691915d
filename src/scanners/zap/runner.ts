import { chmod, copyFile, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { dockerSpec } from '../../runners/docker.js';
import { execScanner, type ExecSpec } from '../../runners/exec.js';
import { useDocker } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import type { CommonScannerConfig, RunnerContext, ScannerRunner } from '../../runners/types.js';

export const ZAP_MODES = ['baseline', 'full', 'api', 'automation'] as const;
export type ZapMode = (typeof ZAP_MODES)[number];

export interface ZapRunConfig {
  /** The application's URL (baseline, full; api: the GraphQL endpoint or the definition's URL). */
  target?: string;
  mode?: ZapMode;
  /** api mode: the API definition (URL or local file); default: target. */
  api_definition?: string;
  api_format?: 'openapi' | 'soap' | 'graphql';
  /** Rules file (`-c`: rule id → IGNORE/INFO/WARN/FAIL), relative to the working directory. */
  rules?: string;
  /** automation mode: the Automation Framework plan, and the traditional-json report it writes. */
  plan?: string;
  report?: string;
  /** docker: --network for the ZAP container (e.g. "host" to reach a service on localhost). */
  network?: string;
  /** native (inside the ZAP image): the directory the packaged scans read and write (/zap/wrk). */
  wrk_dir?: string;
}

export const ZAP_IMAGE = 'ghcr.io/zaproxy/zaproxy:stable';
const SCRIPTS: Record<Exclude<ZapMode, 'automation'>, string> = { baseline: 'zap-baseline.py', full: 'zap-full-scan.py', api: 'zap-api-scan.py' };
const REPORT = 'secgate-zap.json';
const RULES = 'secgate-zap-rules.conf';

/**
 * The packaged scans: `zap-baseline.py | zap-full-scan.py | zap-api-scan.py -t <target> -J <report>
 * [-c rules] [-f format]`. They read and write files relative to /zap/wrk/, so by default they run
 * in the official image with a private work directory mounted there (the report is read back from
 * it); `runner: native` is for when secgate itself runs inside the ZAP image. Exit 0/1/2 mean
 * pass/FAIL/WARN — all results; 3 is ZAP failing. The Automation Framework (`zap.sh -cmd -autorun
 * plan.yaml`) exits 0 (ok) or 2 (warnings); 1 means the plan reported errors: a failure.
 */
export const zapRunner: ScannerRunner<ZapRunConfig> = {
  id: 'zap',
  toolName: 'ZAP',
  kind: 'dast',
  configProperties: {
    target: { type: 'string', minLength: 1, description: 'Target URL including the protocol (http:// or https://).' },
    mode: { enum: [...ZAP_MODES], default: 'baseline', description: 'baseline (passive), full (active), api (zap-api-scan.py), automation (zap.sh -autorun plan).' },
    api_definition: { type: 'string', minLength: 1, description: 'api mode: OpenAPI/SOAP definition URL or local file (default: target).' },
    api_format: { enum: ['openapi', 'soap', 'graphql'], default: 'openapi', description: 'api mode: -f format.' },
    rules: { type: 'string', minLength: 1, description: 'Rules configuration file for -c (rule id <tab> IGNORE|INFO|WARN|FAIL).' },
    plan: { type: 'string', minLength: 1, description: 'automation mode: the Automation Framework plan (YAML).' },
    report: { type: 'string', minLength: 1, description: 'automation mode: the traditional-json report the plan writes (relative to the working directory).' },
    network: { type: 'string', minLength: 1, description: 'docker: network of the ZAP container (e.g. host).' },
    wrk_dir: { type: 'string', minLength: 1, default: '/zap/wrk', description: 'native: ZAP\'s working directory (/zap/wrk in the ZAP image).' },
  },
  async run(config, ctx) {
    const mode = config.mode ?? 'baseline';
    if (mode === 'automation') return runPlan(config, ctx);
    const docker = useDocker(config, 'docker');
    const wrk = docker ? ctx.workDir : resolve(ctx.cwd, config.wrk_dir ?? '/zap/wrk');
    const inContainer = docker ? '/zap/wrk' : wrk;

    let target = mode === 'api' ? (config.api_definition ?? config.target) : config.target;
    if (!target) throw new ConfigError(`scanners.zap: ${mode === 'api' ? 'api_definition or target' : 'target'} is required for mode ${mode}`, 'add the URL to scan');
    if (mode === 'api' && !/^https?:\/\//.test(target)) {
      // A local definition file must be where ZAP looks: inside its work directory.
      const name = `secgate-api-${basename(target)}`;
      await copyFile(resolve(ctx.cwd, target), join(wrk, name)).catch((e: NodeJS.ErrnoException) => {
        throw new ConfigError(`scanners.zap.api_definition: cannot read ${target}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      });
      target = `${inContainer}/${name}`;
    } else if (mode !== 'api' && !/^https?:\/\//.test(target)) {
      throw new ConfigError(`scanners.zap.target: "${target}" must start with http:// or https://`, 'ZAP scans a URL');
    }
    if (config.rules) {
      await copyFile(resolve(ctx.cwd, config.rules), join(wrk, RULES)).catch((e: NodeJS.ErrnoException) => {
        throw new ConfigError(`scanners.zap.rules: cannot read ${config.rules}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      });
    }
    const script = SCRIPTS[mode];
    const zapArgs = [
      '-t', target,
      '-J', REPORT,
      ...(config.rules ? ['-c', RULES] : []),
      ...(mode === 'api' ? ['-f', config.api_format ?? 'openapi'] : []),
      ...(config.args ?? []),
    ];
    const common = { okExitCodes: [0, 1, 2], exitCodeMeaning: { 3: 'ZAP could not complete the scan' } } as const;
    let spec: ExecSpec;
    if (docker) {
      // The image runs as user zap (uid 1000): it must be able to write the report here.
      await chmod(ctx.workDir, 0o777);
      spec = dockerSpec({
        scanner: 'zap',
        image: config.image ?? ZAP_IMAGE,
        mounts: [{ host: ctx.workDir, container: '/zap/wrk/' }],
        dockerArgs: config.network ? ['--network', config.network] : [],
        command: [script, ...zapArgs],
        ...common,
      });
    } else {
      spec = { scanner: 'zap', file: script, args: zapArgs, installHint: 'run ZAP in docker (the default: scanners.zap.runner: docker), or run secgate inside the ZAP image (ghcr.io/zaproxy/zaproxy:stable) for runner: native', ...common };
    }
    await rm(join(wrk, REPORT), { force: true });
    ctx.progress(`${mode} scan of ${target}`);
    const { exitCode, stderrTail } = await execScanner(spec, ctx);
    // -J asks for the traditional JSON report: anything else in that file is not ZAP's answer.
    return readScannerOutput('zap', { name: 'zap.json', path: join(wrk, REPORT), format: 'zap-json', exit: { exitCode, stderrTail } }, ctx);
  },
};

async function runPlan(config: ZapRunConfig & CommonScannerConfig, ctx: RunnerContext) {
  if (!config.plan || !config.report) throw new ConfigError('scanners.zap: mode automation needs plan and report', 'plan: the Automation Framework YAML; report: where its traditional-json report job writes');
  const plan = resolve(ctx.cwd, config.plan);
  const common = { okExitCodes: [0, 2], exitCodeMeaning: { 1: 'the plan reported errors' } } as const;
  let spec: ExecSpec;
  if (useDocker(config, 'docker')) {
    const rel = relative(ctx.cwd, plan);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new ConfigError(`scanners.zap.plan: ${config.plan} must be inside the working directory (it is mounted as /zap/wrk)`);
    spec = dockerSpec({
      scanner: 'zap',
      image: config.image ?? ZAP_IMAGE,
      mounts: [{ host: ctx.cwd, container: '/zap/wrk/' }],
      dockerArgs: config.network ? ['--network', config.network] : [],
      command: ['zap.sh', '-cmd', '-autorun', `/zap/wrk/${rel.split('\\').join('/')}`, ...(config.args ?? [])],
      ...common,
    });
  } else {
    spec = { scanner: 'zap', file: 'zap.sh', args: ['-cmd', '-autorun', plan, ...(config.args ?? [])], installHint: 'install ZAP (https://www.zaproxy.org/download/) or set scanners.zap.runner: docker', ...common };
  }
  // A report left by an earlier run must never pass for this run's.
  await rm(resolve(ctx.cwd, config.report), { force: true });
  ctx.progress(`automation plan ${config.plan}`);
  const { exitCode, stderrTail } = await execScanner(spec, ctx);
  return readScannerOutput('zap', { name: basename(config.report), path: resolve(ctx.cwd, config.report), exit: { exitCode, stderrTail } }, ctx);
}
