import { join } from 'node:path';
import { dockerSpec } from '../../runners/docker.js';
import { execScanner, type ExecSpec } from '../../runners/exec.js';
import { dockerSocketMount, looksLikeImage, useDocker } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import type { ScannerRunner } from '../../runners/types.js';

export const TRIVY_MODES = ['image', 'fs', 'repo', 'config', 'sbom', 'k8s'] as const;

export interface TrivyRunConfig {
  target: string;
  mode?: (typeof TRIVY_MODES)[number];
  /** --scanners (vuln, misconfig, secret, license). */
  scanners?: string[];
}

export const TRIVY_IMAGE = 'aquasec/trivy:latest';
const REPORT = 'trivy.json';

/**
 * `trivy <mode> --format json --output <report> <target>`. No --exit-code and no --severity:
 * the policy decides, so trivy exits 0 whatever it finds and any non-zero exit is a failure.
 */
export const trivyRunner: ScannerRunner<TrivyRunConfig> = {
  id: 'trivy',
  toolName: 'trivy',
  kind: 'container',
  configProperties: {
    target: { type: 'string', minLength: 1, description: 'What trivy scans: an image reference, a path, a repository URL, an SBOM file, a cluster context.' },
    mode: { enum: [...TRIVY_MODES], default: 'image', description: 'trivy subcommand.' },
    scanners: { type: 'array', items: { enum: ['vuln', 'misconfig', 'secret', 'license'] }, description: 'trivy --scanners.' },
  },
  requiredKeys: ['target'],
  async run(config, ctx) {
    const mode = config.mode ?? 'image';
    const trivyArgs = (report: string, target: string) => [
      mode,
      '--format', 'json',
      '--output', report,
      ...(config.scanners?.length ? ['--scanners', config.scanners.join(',')] : []),
      ...(config.args ?? []),
      target,
    ];
    let spec: ExecSpec;
    if (useDocker(config)) {
      const socket = mode === 'image' && looksLikeImage(config.target) ? dockerSocketMount() : [];
      spec = dockerSpec({
        scanner: 'trivy',
        image: config.image ?? TRIVY_IMAGE,
        mounts: [{ host: ctx.cwd, container: '/src', mode: 'ro' }, { host: ctx.workDir, container: '/out' }, ...socket],
        workdir: '/src',
        command: trivyArgs(`/out/${REPORT}`, config.target),
      });
    } else {
      spec = {
        scanner: 'trivy',
        file: 'trivy',
        args: trivyArgs(join(ctx.workDir, REPORT), config.target),
        installHint: 'install trivy (https://trivy.dev/latest/getting-started/installation/) or set scanners.trivy.runner: docker',
      };
    }
    ctx.progress(`${mode} ${config.target}`);
    const { exitCode, stderrTail } = await execScanner(spec, ctx);
    return readScannerOutput('trivy', { name: REPORT, path: join(ctx.workDir, REPORT), format: 'trivy', exit: { exitCode, stderrTail } }, ctx);
  },
};
