#!/usr/bin/env node
import { main } from './cli/main.js';

// The edge: argv, environment, streams and clock are read here and nowhere else.
const code = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
});
process.exitCode = code;
