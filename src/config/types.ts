import type { PolicyConfig } from './sections/policy.js';
import type { RunSections } from './sections/scanners.js';
import type { WaiverConfig } from './sections/waivers.js';
import type { MonitoringSections } from './sections/monitoring.js';

/** secgate.yml after validation and defaults. */
// scanners/reports/defaults are always filled by the loader; optional so configs built in code need not.
export interface Config extends Partial<RunSections>, Partial<MonitoringSections> {
  /** Where it was loaded from (undefined: built-in defaults). */
  source: string | undefined;
  policy: PolicyConfig;
  /** Waivers from secgate.yml, each with where it was written (file and YAML path). */
  waivers: (WaiverConfig & { origin: string })[];
  /** VEX documents, resolved against the working directory by the CLI. */
  vex: string[];
  /** The preset named by `extends`, if any. */
  extends?: string;
}
