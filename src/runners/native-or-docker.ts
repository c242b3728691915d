import { existsSync } from 'node:fs';
import type { DockerMount } from './docker.js';
import type { CommonScannerConfig } from './types.js';

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
