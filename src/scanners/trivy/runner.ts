import { execScanner } from '../../runners/exec.js';
import { looksLikeImage, projectScanSpec } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import { refuseReservedArgs } from '../../runners/reserved-args.js';
import type { ScannerRunner } from '../../runners/types.js';

export const TRIVY_MODES = ['image', 'fs', 'repo', 'config', 'sbom', 'k8s'] as const;

export interface TrivyRunConfig {
  target: string;
  mode?: (typeof TRIVY_MODES)[number];
  /** --scanners (vuln, misconfig, secret, license). */
  scanners?: string[];
}

export const TRIVY_IMAGE = 'aquasec/trivy:latest';

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
    refuseReservedArgs('trivy', config.args, ['--format', '-f', '--output', '-o', '--template', '-t', '--exit-code']);
    const mode = config.mode ?? 'image';
    const trivyArgs = (report: string, target: string) => [
      mode,
      '--format', 'json',
      '--output', report,
      ...(config.scanners?.length ? ['--scanners', config.scanners.join(',')] : []),
      ...(config.args ?? []),
      target,
    ];
    const { spec, reportPath } = projectScanSpec({
      scanner: 'trivy',
      file: 'trivy',
      installHint: 'install trivy (https://trivy.dev/latest/getting-started/installation/) or set scanners.trivy.runner: docker',
      defaultImage: TRIVY_IMAGE,
      config,
      ctx,
      report: 'trivy.json',
      args: (report) => trivyArgs(report, config.target),
      socket: mode === 'image' && looksLikeImage(config.target),
    });
    ctx.progress(`${mode} ${config.target}`);
    const { exitCode, stderrTail } = await execScanner(spec, ctx);
    return readScannerOutput('trivy', { name: 'trivy.json', path: reportPath, format: 'trivy', exit: { exitCode, stderrTail } }, ctx);
  },
};
