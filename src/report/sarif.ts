import type { Reporter } from './types.js';

/** The log itself, pretty-printed with a stable key order (the order it was built in). */
export const sarifReporter: Reporter = {
  format: 'sarif',
  description: 'the merged SARIF 2.1.0 log (GitHub code scanning, GitLab, any SARIF viewer)',
  extension: 'sarif',
  render(log) {
    return `${JSON.stringify(log, null, 2)}\n`;
  },
};
