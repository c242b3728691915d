import { randomBytes } from 'node:crypto';
import type { ExecSpec } from './exec.js';

export interface DockerMount {
  host: string;
  container: string;
  mode?: 'ro' | 'rw';
}

export interface DockerRun {
  scanner: string;
  image: string;
  mounts: DockerMount[];
  /** Working directory inside the container. */
  workdir?: string;
  /** Names of environment variables to pass through (`-e NAME`: the value never appears in argv). */
  envNames?: string[];
  /** Extra `docker run` options (e.g. --network host). */
  dockerArgs?: string[];
  /** The command inside the container. */
  command: string[];
  okExitCodes?: readonly number[];
  exitCodeMeaning?: Readonly<Record<number, string>>;
  stdoutFile?: string;
  secretEnv?: readonly string[];
}

/** `docker run --rm …` as an ExecSpec: the scanner's official image instead of a local install. */
export function dockerSpec(d: DockerRun): ExecSpec {
  // Named, so that a timeout can remove the container itself, not only its client process.
  const name = `secgate-${d.scanner}-${randomBytes(4).toString('hex')}`;
  const args = ['run', '--rm', '--name', name];
  for (const m of d.mounts) args.push('-v', `${m.host}:${m.container}:${m.mode ?? 'rw'}`);
  if (d.workdir) args.push('-w', d.workdir);
  for (const name of d.envNames ?? []) args.push('-e', name);
  args.push(...(d.dockerArgs ?? []), d.image, ...d.command);
  return {
    scanner: d.scanner,
    file: 'docker',
    args,
    onStop: { file: 'docker', args: ['rm', '--force', name] },
    installHint: 'install Docker (https://docs.docker.com/engine/install/) or set runner: native with the scanner installed',
    ...(d.okExitCodes ? { okExitCodes: d.okExitCodes } : {}),
    ...(d.exitCodeMeaning ? { exitCodeMeaning: d.exitCodeMeaning } : {}),
    ...(d.stdoutFile ? { stdoutFile: d.stdoutFile } : {}),
    ...(d.secretEnv ? { secretEnv: d.secretEnv } : {}),
  };
}
