import type { Log, Result, Run } from 'sarif';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { validateStructural, validateStructuralResult } from '../generated/sarif.js';
import { isSpooled } from './spooled-types.js';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: unknown) => unknown;

export interface SchemaProblem {
  path: string;
  message: string;
}

export type SarifValidator = (log: Log) => SchemaProblem[];
/** Problems of one result, their paths under `path` (where the result is in its log, e.g. "/runs/0/results/7"). */
export type ResultValidator = (result: Result, path: string) => SchemaProblem[];

// secgate's structural schema (structural-schema.ts) is precompiled by scripts/gen-validators.mjs: compiling
// it cost ~150 ms at every run.
const structural = fromAjv(validateStructural);

/**
 * A validator against secgate's structural schema, or against `schema` (e.g. the official OASIS file,
 * compiled now). Runs whose results are spooled (spooled-types.ts): with the structural schema, the
 * log is checked with each such run's results replaced by its extras — the spooled ones were each
 * checked against the same result schema as they were spooled (createResultValidator), and the
 * schema puts no constraint on the results array beyond its items. A user schema may constrain
 * anything, so the log is checked whole, the spooled results materialised (slow, correct).
 */
export function createSarifValidator(schema?: Record<string, unknown>): SarifValidator {
  if (!schema) return (log) => (hasSpooled(log) ? withExtrasOnly(log, structural) : structural(log));
  const validate = compileValidator(schema);
  return (log) => validate(hasSpooled(log) ? materialised(log) : log);
}

/**
 * A validator of one result against the structural schema's result definition (precompiled with the
 * log's: the same code validateStructural runs per result, so the same verdict and first error). For
 * the gate to call on every result before it is spooled: ~1 µs a result.
 */
export function createResultValidator(): ResultValidator {
  return (result, path) => (validateStructuralResult(result) ? [] : (validateStructuralResult.errors ?? []).map((e) => toProblem(e, path)));
}

function hasSpooled(log: Log): boolean {
  // Any JSON may be validated (an input checked against a schema): null, an array, runs of anything.
  const runs = (log as { runs?: unknown } | null)?.runs;
  return Array.isArray(runs) && runs.some((r) => isSpooled((r as Run | null)?.results));
}

/** Validate with spooled runs' results replaced by their extras; problem paths point at the extras' real indexes. */
function withExtrasOnly(log: Log, validate: SarifValidator): SchemaProblem[] {
  const offsets = new Map<number, number>();
  const runs = log.runs.map((run, k): Run => {
    if (!isSpooled(run?.results)) return run;
    offsets.set(k, run.results.count);
    return { ...run, results: run.results.extras };
  });
  return validate({ ...log, runs }).map((p) => {
    const m = /^\/runs\/(\d+)\/results\/(\d+)(?=\/|$)/.exec(p.path);
    const offset = m ? offsets.get(Number(m[1])) : undefined;
    return offset === undefined ? p : { ...p, path: `/runs/${m![1]}/results/${Number(m![2]) + offset}${p.path.slice(m![0].length)}` };
  });
}

/** The log with every spooled run's results read back as objects (for a schema that may constrain anything). */
function materialised(log: Log): Log {
  return { ...log, runs: log.runs.map((run) => (isSpooled(run?.results) ? { ...run, results: [...run.results] } : run)) };
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
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => toProblem(e)));
}

function toProblem(e: ErrorObject, under = ''): SchemaProblem {
  return { path: `${under}${e.instancePath}` || '/', message: `${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params['allowedValues'] as unknown[]).join(', ')})` : ''}` };
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
