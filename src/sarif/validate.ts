import type { Log } from 'sarif';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { validateStructural } from '../generated/sarif-structural.js';

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
