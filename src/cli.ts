#!/usr/bin/env node
import { main } from './cli/main.js';

// A closed pipe (`secgate … | head`) is the reader's choice, not an error worth a stack trace.
// The gate still runs to its verdict, so the exit code (pipefail) is the verdict's, never 0 by default.
const closed = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || (closed.has(stream) && e.code === 'ERR_STREAM_DESTROYED')) {
      closed.add(stream);
      return;
    }
    // Any other failure to write (stdout on a full disk, /dev/full): no verdict reached the reader,
    // so exit 2 with one line, never an uncaught exception (exit 1 would read as "policy violated").
    if (stream === process.stdout) {
      try {
        process.stderr.write(`secgate: error: cannot write to stdout: ${e.code ?? e.message} — free space or redirect the output elsewhere\n`);
      } catch {
        /* stderr is gone too: the exit code still says it */
      }
    }
    process.exit(2);
  });
}

// The edge: argv, environment, streams and clock are read here and nowhere else.
const code = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
});
process.exitCode = code;
