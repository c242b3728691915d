import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { FUZZ_RUNS, mutate, mutationArb } from './mutate.js';

const EXAMPLE = {
  version: 1,
  policy: {
    unknown_severity: 'medium',
    fail_on: [{ severity: 'high' }, { severity: 'medium', kinds: ['container'], max: 20 }],
    warn_on: [{ severity: 'medium', tools: ['trivy'] }],
  },
};

/** parseConfig's contract: a Config, or a one-line ConfigError naming the file. Never anything else. */
function check(text: string): void {
  try {
    const config = parseConfig(text, 'secgate.yml');
    expect(config.policy.fail_on).toBeInstanceOf(Array);
    expect(['critical', 'high', 'medium', 'low', 'info']).toContain(config.policy.unknown_severity);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.oneLine()).toMatch(/^secgate\.yml/);
    expect(e.oneLine().split('\n')).toHaveLength(1);
  }
}

describe('parseConfig under mutated and random input', () => {
  it('mutated configurations: a Config or a ConfigError', () => {
    fc.assert(fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (ms) => check(stringify(mutate(EXAMPLE, ms)))), { numRuns: FUZZ_RUNS });
  });

  it('random text and random YAML values: a Config or a ConfigError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.jsonValue(), (v) => check(stringify(v))), { numRuns: FUZZ_RUNS });
    // Truncated at any byte: a YAML config cut short by a bad merge or a full disk.
    const text = stringify(EXAMPLE);
    fc.assert(fc.property(fc.nat(text.length), (n) => check(text.slice(0, n))), { numRuns: Math.min(FUZZ_RUNS, text.length + 1) });
  });
});
