import { policySchema } from './sections/policy.js';

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
    policy: policySchema,
  },
} as const;
