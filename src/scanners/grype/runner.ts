import { join } from 'node:path';
import { dockerSpec } from '../../runners/docker.js';
import { execScanner, type ExecSpec } from '../../runners/exec.js';
import { dockerSocketMount, looksLikeImage, useDocker } from '../../runners/native-or-docker.js';
import { readScannerOutput } from '../../runners/read-output.js';
import type { ScannerRunner } from '../../runners/types.js';

export interface GrypeRunConfig {
  /** What grype scans: an image ref, dir:PATH, sbom:FILE, docker-archive:…, registry:… */
  target: string;
  /** A grype config file (`-c`); without it grype reads the project's own .grype.yaml as usual. */
  config?: string;
}

export const GRYPE_IMAGE = 'anchore/grype:latest';
const REPORT = 'grype.json';

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
    const grypeArgs = (report: string) => [config.target, '-o', 'json', '--file', report, ...(config.config ? ['-c', config.config] : []), ...(config.args ?? [])];
    const common = { okExitCodes: [0, 2], exitCodeMeaning: { 1: 'grype error' } } as const;
    let spec: ExecSpec;
    if (useDocker(config)) {
      const socket = looksLikeImage(config.target) ? dockerSocketMount() : [];
      spec = dockerSpec({
        scanner: 'grype',
        image: config.image ?? GRYPE_IMAGE,
        mounts: [{ host: ctx.cwd, container: '/src', mode: 'ro' }, { host: ctx.workDir, container: '/out' }, ...socket],
        workdir: '/src',
        command: grypeArgs(`/out/${REPORT}`),
        ...common,
      });
    } else {
      spec = {
        scanner: 'grype',
        file: 'grype',
        args: grypeArgs(join(ctx.workDir, REPORT)),
        installHint: 'install grype (https://github.com/anchore/grype#installation) or set scanners.grype.runner: docker',
        ...common,
      };
    }
    ctx.progress(`scanning ${config.target}`);
    const { exitCode, stderrTail } = await execScanner(spec, ctx);
    return readScannerOutput('grype', { name: REPORT, path: join(ctx.workDir, REPORT), format: 'grype', exit: { exitCode, stderrTail } }, ctx);
  },
};
