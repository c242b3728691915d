import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ScannerError } from '../../errors.js';
import { dockerSpec } from '../../runners/docker.js';
import { parseDuration } from '../../runners/duration.js';
import { execScanner, type ExecSpec } from '../../runners/exec.js';
import { useDocker } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import type { CommonScannerConfig, RunnerContext, ScannerRunner } from '../../runners/types.js';
import { atLeast, parseVersion, searchAllHotspots, searchAllIssues, waitForTask, type ServerFlavour } from './analysis.js';
import { SonarClient, type Params, type SonarAuth } from './client.js';
import { parseReportTask, type ReportTask } from './report-task.js';

export interface SonarqubeRunConfig {
  /** Server URL; else SONAR_HOST_URL; else the serverUrl of report-task.txt. */
  url?: string;
  /** Name of the environment variable holding the token (default SONAR_TOKEN). */
  token_env?: string;
  /** Where the scanner wrote report-task.txt (default .scannerwork/report-task.txt). */
  report_task?: string;
  project_key?: string;
  /** SonarCloud organization. */
  organization?: string;
  /** Run `sonar-scanner` first (native, or its docker image with runner: docker). */
  scanner?: boolean;
  /** Longest wait for the Compute Engine to process the analysis (default 5m). */
  wait?: string;
  branch?: string;
  pull_request?: string;
  /** How to send the token: bearer (10.x, SonarCloud), basic (9.9), auto (by server version). */
  auth?: 'auto' | SonarAuth;
}

export const SONAR_SCANNER_IMAGE = 'sonarsource/sonar-scanner-cli';

export interface SonarRunnerTiming {
  pollInitialMs: number;
  pollMaxMs: number;
  requestTimeoutMs: number;
}

const DEFAULT_TIMING: SonarRunnerTiming = { pollInitialMs: 1000, pollMaxMs: 10_000, requestTimeoutMs: 60_000 };

/**
 * SonarQube / SonarCloud: optionally `sonar-scanner`, then the Web API — report-task.txt →
 * api/ce/task until SUCCESS → api/qualitygates/project_status?analysisId= → api/issues/search
 * (every page, the 10,000 cap split by creation date) → api/hotspots/search (every page) — scoped
 * to the analysed branch or pull request, and converted by the SonarQube adapter as one
 * combined document. Timing is injectable for tests; the exported runner uses the defaults.
 */
export function createSonarqubeRunner(timing: Partial<SonarRunnerTiming> = {}): ScannerRunner<SonarqubeRunConfig> {
  const t = { ...DEFAULT_TIMING, ...timing };
  return {
    id: 'sonarqube',
    toolName: 'SonarQube',
    kind: 'sast',
    configProperties: {
      url: { type: 'string', pattern: '^https?://', description: 'SonarQube server URL (default: SONAR_HOST_URL, then report-task.txt).' },
      token_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: 'SONAR_TOKEN', description: 'Environment variable holding the SonarQube token.' },
      report_task: { type: 'string', minLength: 1, default: '.scannerwork/report-task.txt', description: 'report-task.txt written by the scanner.' },
      project_key: { type: 'string', minLength: 1 },
      organization: { type: 'string', minLength: 1, description: 'SonarCloud organization key.' },
      scanner: { type: 'boolean', default: false, description: 'Run sonar-scanner before reading the results.' },
      wait: { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?\\s*(ms|s|m|h)\\s*)+$', default: '5m', description: 'Longest wait for SonarQube to process the analysis.' },
      branch: { type: 'string', minLength: 1 },
      pull_request: { type: 'string', minLength: 1 },
      auth: { enum: ['auto', 'bearer', 'basic'], default: 'auto', description: 'Token as Bearer (10.x, SonarCloud) or basic auth (9.9); auto decides by server version.' },
    },
    async run(config, ctx) {
      const tokenEnv = config.token_env ?? 'SONAR_TOKEN';
      const token = ctx.env[tokenEnv];
      if (!token) {
        throw new ScannerError('sonarqube', `no token: the environment variable ${tokenEnv} is not set`, `set ${tokenEnv} to a SonarQube token with Browse permission on the project (from the CI secrets), or name another variable with token_env`);
      }
      if (config.scanner) await runScanner(config, ctx, tokenEnv, token);

      const taskPath = resolve(ctx.cwd, config.report_task ?? '.scannerwork/report-task.txt');
      const task = await readTask(taskPath, config.report_task ?? '.scannerwork/report-task.txt');
      const serverUrl = config.url ?? ctx.env['SONAR_HOST_URL'] ?? task.serverUrl;
      if (!serverUrl) throw new ScannerError('sonarqube', 'no server URL: neither scanners.sonarqube.url, SONAR_HOST_URL nor report-task.txt gives one', 'set scanners.sonarqube.url');
      if (!task.ceTaskId) throw new ScannerError('sonarqube', `${config.report_task ?? '.scannerwork/report-task.txt'} has no ceTaskId`, 'the analysis was not submitted: check the sonar-scanner log');

      // Server flavour first (version is public): it decides the auth scheme and parameter names.
      const cloud = /(^|\.)sonarcloud\.io$/i.test(hostOf(serverUrl));
      const probe = new SonarClient({ baseUrl: serverUrl, token, auth: 'basic', signal: ctx.signal, requestTimeoutMs: t.requestTimeoutMs });
      const versionText = cloud ? '' : (await probe.text('api/server/version')).trim();
      const flavour: ServerFlavour = { cloud, version: parseVersion(versionText || task.serverVersion || '') };
      const auth: SonarAuth = config.auth && config.auth !== 'auto' ? config.auth : cloud || atLeast(flavour, 10, 0) ? 'bearer' : 'basic';
      const client = new SonarClient({ baseUrl: serverUrl, token, auth, signal: ctx.signal, requestTimeoutMs: t.requestTimeoutMs });

      ctx.progress('waiting for SonarQube to process the analysis');
      const maxWaitMs = Math.min(parseDuration(config.wait ?? '5m') ?? 300_000, ctx.timeoutMs);
      const ce = await waitForTask(client, task.ceTaskId, { maxWaitMs, initialDelayMs: t.pollInitialMs, maxDelayMs: t.pollMaxMs, signal: ctx.signal, progress: ctx.progress });
      if (!ce.analysisId) throw new ScannerError('sonarqube', `the analysis task ${task.ceTaskId} succeeded without an analysisId`, 'check the SonarQube version');
      const projectKey = config.project_key ?? ce.componentKey ?? task.projectKey;
      if (!projectKey) throw new ScannerError('sonarqube', 'no project key: set scanners.sonarqube.project_key', 'set project_key');

      // What was analysed decides the scope (the CE task names its branch or pull request), and
      // config overrides it. The CI's own branch is not used here: on an edition without branch
      // support (Community) the task names none, and asking for the CI branch would be a 404.
      const pullRequest = config.pull_request ?? (config.branch ? undefined : ce.pullRequest);
      const branch = pullRequest ? undefined : config.branch ?? ce.branch;
      const organization = config.organization ?? task.organization;
      const scope: Params = { ...(pullRequest ? { pullRequest } : branch ? { branch } : {}) };

      ctx.progress('reading the quality gate');
      const qualityGate = await client.json('api/qualitygates/project_status', { analysisId: ce.analysisId });

      ctx.progress('reading issues');
      const modernIssues = !cloud && atLeast(flavour, 10, 2);
      const issueParams: Params = {
        [modernIssues ? 'components' : 'componentKeys']: projectKey,
        ...scope,
        ...(organization ? { organization } : {}),
        // open issues, and resolved-but-not-closed ones (false positive, accepted): kept as suppressed results
        ...(!cloud && atLeast(flavour, 10, 4) ? { issueStatuses: 'OPEN,CONFIRMED,ACCEPTED,FALSE_POSITIVE' } : { statuses: 'OPEN,CONFIRMED,REOPENED,RESOLVED' }),
        additionalFields: 'comments,rules',
        s: 'CREATION_DATE',
        asc: 'true',
      };
      const issues = await searchAllIssues(client, issueParams);

      ctx.progress('reading security hotspots');
      // hotspots/search renamed projectKey to project in 10.2 (SonarCloud keeps projectKey)
      const hotspots = await searchAllHotspots(client, { [modernIssues ? 'project' : 'projectKey']: projectKey, ...scope, ...(organization ? { organization } : {}) });

      const doc = {
        sonarqube: {
          serverUrl: stripCredentials(serverUrl),
          ...(versionText || task.serverVersion ? { serverVersion: versionText || task.serverVersion } : {}),
          projectKey,
          ...(organization ? { organization } : {}),
          ...(branch ? { branch } : {}),
          ...(pullRequest ? { pullRequest } : {}),
          analysisId: ce.analysisId,
          ...(task.dashboardUrl ? { dashboardUrl: stripCredentials(task.dashboardUrl) } : {}),
        },
        issues: { paging: { pageIndex: 1, pageSize: issues.items.length, total: issues.items.length }, issues: issues.items, components: issues.components, rules: issues.rules },
        hotspots: { paging: { pageIndex: 1, pageSize: hotspots.items.length, total: hotspots.items.length }, hotspots: hotspots.items, components: hotspots.components },
        qualityGate,
      };
      ctx.progress(`${issues.items.length} issues, ${hotspots.items.length} hotspots, quality gate ${String((qualityGate['projectStatus'] as { status?: string } | undefined)?.status ?? '?')}`);
      return readScannerOutput('sonarqube', { name: 'sonarqube.json', text: JSON.stringify(doc), format: 'sonarqube' }, ctx);
    },
  };
}

export const sonarqubeRunner = createSonarqubeRunner();

async function readTask(path: string, shown: string): Promise<ReportTask> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScannerError('sonarqube', code === 'ENOENT' ? `${shown} not found` : `${shown} cannot be read: ${(e as Error).message}`, 'run sonar-scanner before secgate (or set scanners.sonarqube.scanner: true), or point report_task at the file it wrote');
  }
  return parseReportTask(text);
}

/** `sonar-scanner` with the token in the environment (SONAR_TOKEN), never on the command line. */
async function runScanner(config: SonarqubeRunConfig & CommonScannerConfig, ctx: RunnerContext, tokenEnv: string, token: string): Promise<void> {
  const props: string[] = [];
  if (config.url) props.push(`-Dsonar.host.url=${config.url}`);
  if (config.project_key) props.push(`-Dsonar.projectKey=${config.project_key}`);
  if (config.organization) props.push(`-Dsonar.organization=${config.organization}`);
  if (config.pull_request) {
    props.push(`-Dsonar.pullrequest.key=${config.pull_request}`);
    if (ctx.ci.branch) props.push(`-Dsonar.pullrequest.branch=${ctx.ci.branch}`);
    if (ctx.ci.baseBranch) props.push(`-Dsonar.pullrequest.base=${ctx.ci.baseBranch}`);
  } else if (config.branch) props.push(`-Dsonar.branch.name=${config.branch}`);
  const args = [...props, ...(config.args ?? [])];
  const env = { ...ctx.env, SONAR_TOKEN: token };
  const scanCtx: RunnerContext = { ...ctx, env };
  const spec: ExecSpec = useDocker(config)
    ? dockerSpec({ scanner: 'sonarqube', image: config.image ?? SONAR_SCANNER_IMAGE, mounts: [{ host: ctx.cwd, container: '/usr/src', mode: 'rw' }], envNames: ['SONAR_TOKEN', ...(ctx.env['SONAR_HOST_URL'] ? ['SONAR_HOST_URL'] : [])], command: args, secretEnv: [tokenEnv, 'SONAR_TOKEN'] })
    : { scanner: 'sonarqube', file: 'sonar-scanner', args, installHint: 'install SonarScanner CLI (https://docs.sonarsource.com/sonarqube-server/latest/analyzing-source-code/scanners/sonarscanner/) or set scanners.sonarqube.runner: docker', secretEnv: [tokenEnv, 'SONAR_TOKEN'] };
  ctx.progress('running sonar-scanner');
  await execScanner(spec, scanCtx);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}
