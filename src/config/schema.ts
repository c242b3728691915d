import { policySchema } from './sections/policy.js';
import { scannersSchema } from './sections/scanners.js';
import { reportsSchema } from './sections/reports.js';
import { defaultsSchema } from './sections/defaults.js';
import { waiversSchema } from './sections/waivers.js';
import { vexSchema } from './sections/vex.js';
import { profilesSchema } from './sections/profiles.js';
import { monitoringSchemas } from './sections/monitoring.js';

/**
 * The JSON Schema of secgate.yml, composed from one section per concern (src/config/sections).
 * Published as schema/secgate.schema.json for editors (`# yaml-language-server: $schema=…`).
 */
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://secgate.dev/schema/secgate.schema.json',
  title: 'secgate configuration (secgate.yml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'Configuration format version.' },
    extends: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'A policy preset from rules/presets (strict, default, new-code-only); keys given here override it.' },
    policy: policySchema,
    scanners: scannersSchema(),
    reports: reportsSchema,
    defaults: defaultsSchema,
    waivers: waiversSchema,
    vex: vexSchema,
    profiles: profilesSchema({ extends: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' }, policy: policySchema, scanners: scannersSchema(), reports: reportsSchema, defaults: defaultsSchema }),
    ...monitoringSchemas,
  },
} as const;
