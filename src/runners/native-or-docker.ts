import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dockerSpec, type DockerMount } from './docker.js';
import type { ExecSpec } from './exec.js';
import type { CommonScannerConfig, RunnerContext } from './types.js';

/** native unless the entry says docker (or the runner's default is docker, as for ZAP). */
export function useDocker(config: CommonScannerConfig, byDefault: 'native' | 'docker' = 'native'): boolean {
  return (config.runner ?? byDefault) === 'docker';
}

/** Is this target an image reference rather than dir:/file:/sbom:/a path (grype's schemes)? */
export function looksLikeImage(target: string): boolean {
  if (/^(dir|file|sbom|purl|cpe):/.test(target)) return false;
  if (target.startsWith('.') || target.startsWith('/')) return false;
  return true;
}

export const DOCKER_SOCKET = '/var/run/docker.sock';

/** To scan an image from the local daemon the scanner's container needs the socket (when there is one). */
export function dockerSocketMount(): DockerMount[] {
  return existsSync(DOCKER_SOCKET) ? [{ host: DOCKER_SOCKET, container: DOCKER_SOCKET }] : [];
}

export interface ProjectScan {
  scanner: string;
  /** The executable (native) — also the image's entrypoint, so the docker command is just the args. */
  file: string;
  installHint: string;
  defaultImage: string;
  config: CommonScannerConfig;
  ctx: RunnerContext;
  /** The report's file name inside the work directory. */
  report: string;
  /** The scanner's arguments, given where it must write the report. */
  args: (reportPath: string) => string[];
  /** Mount the docker socket (scanning an image from the local daemon). */
  socket: boolean;
  okExitCodes?: readonly number[];
  exitCodeMeaning?: Readonly<Record<number, string>>;
}

/**
 * A scanner that reads the project and writes a report file (grype, trivy): natively in the
 * project directory, or in its image with the project mounted read-only at /src and the work
 * directory at /out. Returns the spec and where the report will be on this host.
 */
export function projectScanSpec(s: ProjectScan): { spec: ExecSpec; reportPath: string } {
  const reportPath = join(s.ctx.workDir, s.report);
  const codes = { ...(s.okExitCodes ? { okExitCodes: s.okExitCodes } : {}), ...(s.exitCodeMeaning ? { exitCodeMeaning: s.exitCodeMeaning } : {}) };
  if (!useDocker(s.config)) {
    return { spec: { scanner: s.scanner, file: s.file, args: s.args(reportPath), installHint: s.installHint, ...codes }, reportPath };
  }
  const spec = dockerSpec({
    scanner: s.scanner,
    image: s.config.image ?? s.defaultImage,
    mounts: [{ host: s.ctx.cwd, container: '/src', mode: 'ro' }, { host: s.ctx.workDir, container: '/out' }, ...(s.socket ? dockerSocketMount() : [])],
    workdir: '/src',
    command: s.args(`/out/${s.report}`),
    ...codes,
  });
  return { spec, reportPath };
}
