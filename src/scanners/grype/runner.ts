import { execScanner } from '../../runners/exec.js';
import { looksLikeImage, projectScanSpec } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import { refuseReservedArgs } from '../../runners/reserved-args.js';
import type { ScannerRunner } from '../../runners/types.js';

export interface GrypeRunConfig {
  /** What grype scans: an image ref, dir:PATH, sbom:FILE, docker-archive:…, registry:… */
  target: string;
  /** A grype config file (`-c`); without it grype reads the project's own .grype.yaml as usual. */
  config?: string;
}

export const GRYPE_IMAGE = 'anchore/grype:latest';

/**
 * `grype <target> -o json --file <report>` in the project directory, so grype finds the user's
 * .grype.yaml (ignore rules, fail-on-severity) exactly as it would alone. secgate never passes
 * --fail-on: the policy decides. Exit 2 is grype's "vulnerabilities at or above --fail-on"
 * (set by the user's config or args): findings, not a failure. Any other non-zero exit is.
 */
export const grypeRunner: ScannerRunner<GrypeRunConfig> = {
  id: 'grype',
  toolName: 'grype',
  kind: 'container',
  configProperties: {
    target: { type: 'string', minLength: 1, description: 'Image reference, dir:PATH, sbom:FILE (anything `grype <target>` takes).' },
    config: { type: 'string', minLength: 1, description: 'grype config file (-c); default: grype\'s own lookup (.grype.yaml in the project).' },
  },
  requiredKeys: ['target'],
  async run(config, ctx) {
    refuseReservedArgs('grype', config.args, ['--output', '-o', '--file', '--template', '-t']);
    const grypeArgs = (report: string) => [config.target, '-o', 'json', '--file', report, ...(config.config ? ['-c', config.config] : []), ...(config.args ?? [])];
    const { spec, reportPath } = projectScanSpec({
      scanner: 'grype',
      file: 'grype',
      installHint: 'install grype (https://github.com/anchore/grype#installation) or set scanners.grype.runner: docker',
      defaultImage: GRYPE_IMAGE,
      config,
      ctx,
      report: 'grype.json',
      args: grypeArgs,
      socket: looksLikeImage(config.target),
      okExitCodes: [0, 2],
      exitCodeMeaning: { 1: 'grype error' },
    });
    ctx.progress(`scanning ${config.target}`);
    const { exitCode, stderrTail } = await execScanner(spec, ctx);
    return readScannerOutput('grype', { name: 'grype.json', path: reportPath, format: 'grype', exit: { exitCode, stderrTail } }, ctx);
  },
};
