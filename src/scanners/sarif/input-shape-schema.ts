import { sarifStructuralSchema } from '../../sarif/structural-schema.js';

// The JSON Schemas of src/scanners/sarif/input-shape.ts, apart from it: scripts/gen-validators.mjs compiles
// them into src/generated/ at build time, so no schema is compiled when a SARIF report is read.

/**
 * The parts of an input SARIF run that secgate reads or completes, with the types SARIF 2.1.0
 * gives them. Checked before a run is touched, so a producer's malformed log is a ShapeError at
 * its JSON path rather than a crash halfway through completing it. Everything else is passed
 * through as the producer wrote it.
 */
const str = { type: 'string' };
const obj = { type: 'object' };
// Go tools (gitleaks) write an empty tag list as null: accepted, and dropped when the run is completed.
const tags = { type: ['array', 'null'], items: str };
const text = { type: 'object', properties: { text: str, markdown: str } };
const region = { type: 'object', properties: { startLine: { type: 'integer' }, endLine: { type: 'integer' }, startColumn: { type: 'integer' }, endColumn: { type: 'integer' }, snippet: text } };
const location = {
  type: 'object',
  properties: {
    physicalLocation: { type: 'object', properties: { artifactLocation: { type: 'object', properties: { uri: str } }, region, contextRegion: region } },
    message: text,
  },
};
const rule = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: str,
    shortDescription: text,
    fullDescription: text,
    help: text,
    helpUri: str,
    messageStrings: { type: 'object', additionalProperties: text },
    defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } },
    properties: { type: 'object', properties: { tags: tags } },
  },
};
// Notification descriptors are completed like rules (GitHub wants help on them too).
const descriptor = { type: 'object', properties: { id: str, name: str, shortDescription: text, fullDescription: text, help: text, properties: { type: 'object', properties: { tags: tags } } } };
export const runShape = {
  type: 'object',
  required: ['tool'],
  properties: {
    tool: {
      type: 'object',
      required: ['driver'],
      properties: {
        driver: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, rules: { type: 'array', items: rule }, notifications: { type: 'array', items: descriptor }, globalMessageStrings: { type: 'object', additionalProperties: text } } },
        extensions: { type: 'array', items: { type: 'object', properties: { rules: { type: 'array', items: rule }, notifications: { type: 'array', items: descriptor } } } },
      },
    },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['message'],
        properties: {
          ruleId: str,
          ruleIndex: { type: 'integer' },
          rule: { type: 'object', properties: { id: str, index: { type: 'integer' }, toolComponent: { type: 'object', properties: { index: { type: 'integer' } } } } },
          level: { enum: ['none', 'note', 'warning', 'error'] },
          message: { type: 'object', properties: { text: str, markdown: str, id: str, arguments: { type: 'array', items: str } } },
          analysisTarget: { type: 'object', properties: { uri: str } },
          locations: { type: 'array', items: location },
          relatedLocations: { type: 'array', items: location },
          partialFingerprints: { type: 'object', additionalProperties: str },
          properties: { type: 'object', properties: { tags: tags } },
        },
      },
    },
    artifacts: { type: 'array', items: { type: 'object', properties: { location: { type: 'object', properties: { uri: str } } } } },
    automationDetails: { type: 'object', properties: { id: str } },
    invocations: { type: 'array', items: obj },
    properties: obj,
  },
};

/**
 * After completion every run must satisfy secgate's structural schema (GitHub's rules
 * included), checked as the one run of a log.
 */
export const outputShape = { type: 'object', properties: { runs: { type: 'array', items: sarifStructuralSchema.properties.runs.items } } };
