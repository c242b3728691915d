import type { Log } from 'sarif';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { validateStructural } from '../generated/sarif.js';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: unknown) => unknown;

export interface SchemaProblem {
  path: string;
  message: string;
}

export type SarifValidator = (log: Log) => SchemaProblem[];

// secgate's structural schema (structural-schema.ts) is precompiled by scripts/gen-validators.mjs: compiling
// it cost ~150 ms at every run.
const structural = fromAjv(validateStructural);

/** A validator against secgate's structural schema, or against `schema` (e.g. the official OASIS file, compiled now). */
export function createSarifValidator(schema?: Record<string, unknown>): SarifValidator {
  return schema ? compileValidator(schema) : structural;
}

function compileValidator(schema: Record<string, unknown>): SarifValidator {
  let validate: ValidateFunction;
  if (String(schema['$schema'] ?? '').includes('draft-04')) {
    const Draft04 = ((AjvDraft04 as unknown as { default?: unknown }).default ?? AjvDraft04) as new (o: object) => Ajv;
    const ajv = new Draft04({ allErrors: false, strict: false, validateFormats: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
  } else {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    validate = ajv.compile(schema);
  }
  return fromAjv(validate);
}

function fromAjv(validate: ValidateFunction): SarifValidator {
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map(toProblem));
}

function toProblem(e: ErrorObject): SchemaProblem {
  return { path: e.instancePath || '/', message: `${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params['allowedValues'] as unknown[]).join(', ')})` : ''}` };
}

/** A small valid log that reaches every often-used part of the structural schema. */
const WARM_UP_LOG = {
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'secgate', informationUri: 'https://secgate.dev/', rules: [{ id: 'r', shortDescription: { text: 'r' }, fullDescription: { text: 'r' }, help: { text: 'r' }, helpUri: 'https://secgate.dev/r', properties: { tags: ['security'] } }] } },
      results: [{ ruleId: 'r', level: 'error', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a.ts' }, region: { startLine: 1 } } }], partialFingerprints: { a: 'b' } }],
    },
  ],
} as unknown as Log;

/**
 * Validate a small log once, for `secgate run` to call while its scanners work: V8 compiles the generated
 * validator, and irregexp the URI grammars, at their first use (~10 ms otherwise paid after the last scanner).
 */
export function warmUpSarifValidator(): boolean {
  return structural(WARM_UP_LOG).length === 0;
}
