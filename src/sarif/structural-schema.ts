/**
 * secgate's own JSON Schema for the SARIF it writes: the parts of SARIF 2.1.0 (errata 01) and
 * of GitHub's upload rules that a log must satisfy to be ingested. It is written for this
 * project (the OASIS schema's licence does not let us ship a copy); tests additionally
 * validate every output against the official schema in ../shared/schemas, and users can
 * point `--sarif-schema` at the official file to have it used at run time too.
 */
const message = {
  type: 'object',
  anyOf: [{ required: ['text'] }, { required: ['id'] }],
  properties: { text: { type: 'string' }, markdown: { type: 'string' }, id: { type: 'string' }, arguments: { type: 'array', items: { type: 'string' } } },
};
const multiformat = { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 }, markdown: { type: 'string' } } };
const region = {
  type: 'object',
  anyOf: [{ required: ['startLine'] }, { required: ['charOffset'] }, { required: ['byteOffset'] }],
  properties: {
    startLine: { type: 'integer', minimum: 1 },
    startColumn: { type: 'integer', minimum: 1 },
    endLine: { type: 'integer', minimum: 1 },
    endColumn: { type: 'integer', minimum: 1 },
    charOffset: { type: 'integer', minimum: -1 },
    byteOffset: { type: 'integer', minimum: -1 },
  },
};
const location = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: -1 },
    physicalLocation: {
      type: 'object',
      properties: {
        artifactLocation: { type: 'object', properties: { uri: { type: 'string', format: 'uri-reference' }, uriBaseId: { type: 'string' } } },
        region,
        contextRegion: region,
      },
    },
    message,
  },
};
const propertyBag = { type: 'object', properties: { tags: { type: 'array', uniqueItems: true, items: { type: 'string' } } } };
const guid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$' };

export const sarifStructuralSchema = {
  $id: 'https://secgate.dev/schema/sarif-output.json',
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    properties: propertyBag,
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  version: { type: 'string' },
                  informationUri: { type: 'string', format: 'uri' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      // GitHub's rules: every rule needs an id and short/full description and help.
                      required: ['id', 'shortDescription', 'fullDescription', 'help'],
                      properties: {
                        id: { type: 'string', minLength: 1 },
                        shortDescription: multiformat,
                        fullDescription: multiformat,
                        help: multiformat,
                        helpUri: { type: 'string', format: 'uri' },
                        properties: propertyBag,
                      },
                    },
                  },
                },
              },
            },
          },
          automationDetails: { type: 'object', properties: { id: { type: 'string' }, guid } },
          invocations: {
            type: 'array',
            items: { type: 'object', required: ['executionSuccessful'], properties: { executionSuccessful: { type: 'boolean' }, exitCode: { type: 'integer' } } },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message', 'locations'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: -1 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                kind: { enum: ['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'] },
                message,
                locations: { type: 'array', minItems: 1, items: location },
                relatedLocations: { type: 'array', items: location },
                partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
                fingerprints: { type: 'object', additionalProperties: { type: 'string' } },
                correlationGuid: guid,
                guid,
                rank: { type: 'number', minimum: -1, maximum: 100 },
                baselineState: { enum: ['new', 'unchanged', 'updated', 'absent'] },
                suppressions: {
                  type: 'array',
                  uniqueItems: true,
                  items: {
                    type: 'object',
                    required: ['kind'],
                    properties: {
                      kind: { enum: ['inSource', 'external'] },
                      status: { enum: ['accepted', 'underReview', 'rejected'] },
                      justification: { type: 'string' },
                    },
                  },
                },
                properties: {
                  type: 'object',
                  required: ['security-severity'],
                  properties: { 'security-severity': { type: 'string', pattern: '^(10\\.0|[0-9]\\.[0-9])$' }, tags: { type: 'array', uniqueItems: true, items: { type: 'string' } } },
                },
              },
            },
          },
          properties: propertyBag,
        },
      },
    },
  },
} as const;
