import type { Log, Run } from 'sarif';
import { isSpooledRules } from '../../src/sarif/spooled-rules.js';
import { isSpooled } from '../../src/sarif/spooled-types.js';

/** The log with every spooled run's results (patches applied, extras after) and rules read back as objects: the oracles' view of a spooled log. */
export function hydrateLog(log: Log): Log {
  return {
    ...log,
    runs: log.runs.map((original): Run => {
      const rules = original.tool.driver.rules;
      const run = isSpooledRules(rules) ? { ...original, tool: { ...original.tool, driver: { ...original.tool.driver, rules: [...rules] } } } : original;
      return isSpooled(run.results) ? { ...run, results: [...run.results] } : run;
    }),
  };
}

