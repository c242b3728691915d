import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with captured streams and a fixed clock. */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; now?: Date } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, {
    env: { NO_COLOR: '1', ...(opts.env ?? {}) },
    cwd: opts.cwd ?? process.cwd(),
    stdout,
    stderr,
    now: () => opts.now ?? new Date('2026-11-23T12:00:00Z'),
  });
  return { code, stdout: out, stderr: err };
}
