import type { Writable } from 'node:stream';

/**
 * Everything the commands take from the outside world, read once at the edge (main.ts) and
 * passed in, so commands are testable in-process and no library code reads process.env.
 */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  now: () => Date;
}

export interface CommonOptions {
  color?: boolean;
  debug?: boolean;
  quiet?: boolean;
}

/** Colour only for a terminal, never when NO_COLOR is set (any value) or --no-color is given. */
export function useColor(ctx: CliContext, opts: CommonOptions, stream: { isTTY?: boolean } = ctx.stdout): boolean {
  if (opts.color === false) return false;
  if (ctx.env['NO_COLOR'] !== undefined && ctx.env['NO_COLOR'] !== '') return false;
  if (ctx.env['FORCE_COLOR'] !== undefined && ctx.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true && ctx.env['TERM'] !== 'dumb';
}

/** Write with back-pressure; a stream the reader closed (EPIPE) resolves instead of waiting forever. */
export function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    if (stream.write(text)) resolve();
    else stream.once('drain', done).once('close', done).once('error', done);
  });
}
