import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ShapeError } from '../shape.js';
import { sarifStructuralSchema } from '../../sarif/structural-schema.js';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: unknown) => unknown;

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
const runShape = {
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

let input: ValidateFunction | undefined;
let output: ValidateFunction | undefined;

function compile(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Throw a ShapeError at the first place `run` does not have the shape secgate reads. */
export function checkInputRun(run: unknown, path: string): void {
  input ??= compile(runShape);
  if (!input(run)) throw toShapeError(input.errors?.[0], path, '');
}

/**
 * After completion every run must satisfy secgate's structural schema (GitHub's rules
 * included). Whatever still does not is the producer's malformed value that secgate passed
 * through: a ShapeError at its path, never an invalid log written out.
 */
export function checkOutputRun(run: unknown, path: string): void {
  output ??= compile({ type: 'object', properties: { runs: { type: 'array', items: sarifStructuralSchema.properties.runs.items } } });
  if (!output({ runs: [run] })) throw toShapeError(output.errors?.[0], path, '/runs/0');
}

function toShapeError(e: ErrorObject | undefined, path: string, strip: string): ShapeError {
  const ptr = (e?.instancePath ?? '').slice(strip.length);
  const jsonPath = ptr
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${acc}.${p}` : `${acc}[${JSON.stringify(p)}]`), path);
  const detail = e?.keyword === 'enum' ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` : e?.keyword === 'required' ? `missing "${(e.params as { missingProperty: string }).missingProperty}"` : (e?.message ?? 'is invalid');
  return new ShapeError(jsonPath, detail);
}
