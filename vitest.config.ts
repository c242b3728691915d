import { defineConfig } from 'vitest/config';

// CI (.ci/run) asks for a JSON summary too, to print one plain "N passed, N failed" line.
const results = process.env['SECGATE_TEST_RESULTS'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check-seed.ts'],
    // Hardening and end-to-end tests spawn the built CLI; keep them from starving each other on 2 cores.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    ...(results ? { reporters: ['default', 'json'], outputFile: { json: results } } : {}),
  },
});
