import type { PolicyConfig } from './sections/policy.js';

/** secgate.yml after validation and defaults. */
export interface Config {
  /** Where it was loaded from (undefined: built-in defaults). */
  source: string | undefined;
  policy: PolicyConfig;
}
