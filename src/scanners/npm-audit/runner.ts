import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ScannerError } from '../../errors.js';
import { dockerSpec } from '../../runners/docker.js';
import { execScanner, type ExecSpec } from '../../runners/exec.js';
import { useDocker } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import type { ScannerRunner } from '../../runners/types.js';
import { lockVersions, withInstalledVersions } from './lockfile.js';

export interface NpmAuditRunConfig {
  /** The package directory (with package-lock.json), relative to the working directory. */
  dir?: string;
  /** --omit=dev and friends. */
  omit?: ('dev' | 'optional' | 'peer')[];
}

export const NPM_IMAGE = 'node:20-alpine';

/**
 * `npm audit --json` in `dir`, report on stdout. npm exits 1 when it finds vulnerabilities at or
 * above --audit-level, and also when it cannot audit (then stdout holds `{"error": …}`): the
 * adapter tells the two apart, so exit 1 is accepted here and judged by the report.
 */
export const npmAuditRunner: ScannerRunner<NpmAuditRunConfig> = {
  id: 'npm-audit',
  toolName: 'npm audit',
  kind: 'sca',
  configProperties: {
    dir: { type: 'string', minLength: 1, default: '.', description: 'Directory holding package.json and the lock file.' },
    omit: { type: 'array', items: { enum: ['dev', 'optional', 'peer'] }, description: 'Dependency types to leave out (npm audit --omit).' },
  },
  async run(config, ctx) {
    const dir = resolve(ctx.cwd, config.dir ?? '.');
    const npmArgs = ['audit', '--json', ...(config.omit ?? []).map((o) => `--omit=${o}`), ...(config.args ?? [])];
    const common = { okExitCodes: [0, 1] } as const;
    const spec: ExecSpec = useDocker(config)
      ? dockerSpec({ scanner: 'npm-audit', image: config.image ?? NPM_IMAGE, mounts: [{ host: dir, container: '/app', mode: 'ro' }], workdir: '/app', command: ['npm', ...npmArgs], ...common })
      : { scanner: 'npm-audit', file: 'npm', args: npmArgs, cwd: dir, installHint: 'install Node.js with npm (https://nodejs.org) or set scanners.npm-audit.runner: docker', ...common };
    ctx.progress(`auditing ${config.dir ?? '.'}`);
    const { stdout, exitCode, stderrTail } = await execScanner(spec, ctx);
    if (exitCode === 1 && stdout.trim() === '') {
      // Exit 1 without a report is npm failing before it could audit.
      throw new ScannerError('npm-audit', `npm audit failed with exit code 1 and printed no report${stderrTail ? `: ${stderrTail.split('\n').pop()}` : ''}`, 'run `npm audit --json` in that directory to see why', 1, stderrTail);
    }
    const runs = await readScannerOutput('npm-audit', { name: 'npm-audit.json', text: stdout, format: 'npm-audit' }, ctx);
    // Report v2 names vulnerable ranges, not installed versions; the lock file npm audited does.
    const versions = await installedVersions(dir);
    if (versions.size) for (const run of runs) withInstalledVersions(run, versions);
    return runs;
  },
};

/** Versions by node path from the lock file npm audits (shrinkwrap first, as npm does); none if unreadable. */
async function installedVersions(dir: string): Promise<Map<string, string>> {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    try {
      return lockVersions(JSON.parse(await readFile(join(dir, name), 'utf8')));
    } catch {
      /* absent or unreadable: the next one, or versions stay unknown */
    }
  }
  return new Map();
}
