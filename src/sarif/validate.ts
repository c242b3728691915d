import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { validateStructural, validateStructuralResult, validateStructuralRule } from '../generated/sarif.js';
import { isSpooled, type SpooledResults } from './spooled-types.js';
import { isSpooledRules } from './spooled-rules.js';
import { resultItemsPointer } from './validate-results.js';
import { useLinearUniqueItems } from './validate-unique.js';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: unknown) => unknown;

export interface SchemaProblem {
  path: string;
  message: string;
}

export type SarifValidator = (log: Log) => SchemaProblem[];
/** Problems of one result, their paths under `path` (where the result is in its log, e.g. "/runs/0/results/7"). */
export type ResultValidator = (result: Result, path: string) => SchemaProblem[];
/** Problems of one driver rule, their paths under `path`. */
export type RuleValidator = (rule: ReportingDescriptor, path: string) => SchemaProblem[];

// secgate's structural schema (structural-schema.ts) is precompiled by scripts/gen-validators.mjs: compiling
// it cost ~150 ms at every run.
const structural = fromAjv(validateStructural);

/**
 * A validator against secgate's structural schema, or against `schema` (e.g. the official OASIS file,
 * compiled now). Runs whose results are spooled (spooled-types.ts): with the structural schema, the
 * log is checked with each such run's results replaced by its extras — the spooled ones were each
 * checked against the same result schema as they were spooled (createResultValidator), and the
 * schema puts no constraint on the results array beyond its items. The members patched on after
 * that (correlationGuid, baselineState) are not re-read: they are the gate's own values, valid by
 * construction (guidFrom's v5 GUIDs, one of the four states), and reading them back costs a SHA-1
 * per result (the patch computes the GUID). A user schema may constrain
 * anything: when it checks results one by one only (validate-results.ts; the official schema
 * does), the log is checked with the extras only and each spooled result, read back one at a
 * time, against its result subschema; otherwise the log is checked whole, the spooled results
 * materialised (slow, correct). Either way the verdict is the in-memory one; with one problem
 * reported (allErrors: false), a log bad in several places may name another of them first.
 */
export function createSarifValidator(schema?: Record<string, unknown>): SarifValidator {
  // Spooled rules (spooled-rules.ts) were each checked against the rule schema as they were spooled
  // (createRuleValidator): the structural check skips them; a user schema gets them materialised.
  if (!schema) return (log) => (hasSpooled(log) ? withExtrasOnly(log, structural, false) : structural(log));
  const { validate, validateResult } = compileValidator(schema);
  const whole = fromAjv(validate);
  return (log) => {
    if (!hasSpooled(log)) return whole(log);
    if (!validateResult) return whole(materialised(log));
    const problems = withExtrasOnly(log, whole, true);
    if (problems.length) return problems;
    for (const [k, run] of log.runs.entries()) {
      if (!isSpooled(run.results)) continue;
      const bad = firstInvalid(run.results, validateResult);
      if (bad) return (validateResult.errors ?? []).map((e) => toProblem(e, `/runs/${k}/results/${bad.index}`));
    }
    return [];
  };
}

/** The first spooled result (read back in order, one at a time) the validator rejects; its errors are on the validator. */
function firstInvalid(results: SpooledResults, validate: ValidateFunction): { index: number } | undefined {
  let index = 0;
  for (const text of results.texts(0, results.count)) {
    if (!validate(JSON.parse(text))) return { index };
    index++;
  }
  return undefined;
}

/**
 * A validator of one result against the structural schema's result definition (precompiled with the
 * log's: the same code validateStructural runs per result, so the same verdict and first error). For
 * the gate to call on every result before it is spooled: ~1 µs a result.
 */
export function createResultValidator(): ResultValidator {
  return (result, path) => (validateStructuralResult(result) ? [] : (validateStructuralResult.errors ?? []).map((e) => toProblem(e, path)));
}

/**
 * A validator of one rule against the structural schema's driver rule (precompiled with the log's),
 * for the gate to call on every rule before it is spooled.
 */
export function createRuleValidator(): RuleValidator {
  return (rule, path) => (validateStructuralRule(rule) ? [] : (validateStructuralRule.errors ?? []).map((e) => toProblem(e, path)));
}

function hasSpooled(log: Log): boolean {
  // Any JSON may be validated (an input checked against a schema): null, an array, runs of anything.
  const runs = (log as { runs?: unknown } | null)?.runs;
  return Array.isArray(runs) && runs.some((r) => isSpooled((r as Run | null)?.results) || isSpooledRules(rulesOf(r as Run | null)));
}

function rulesOf(run: Run | null | undefined): unknown {
  return (run as { tool?: { driver?: { rules?: unknown } } } | null | undefined)?.tool?.driver?.rules;
}

/** The run with spooled rules left out (`[]`, checked as spooled) or read back as objects (`materialise`). */
function withRules(run: Run, materialise: boolean): Run {
  const rules = rulesOf(run);
  if (!isSpooledRules(rules)) return run;
  return { ...run, tool: { ...run.tool, driver: { ...run.tool.driver, rules: materialise ? [...rules] : [] } } };
}

/**
 * Validate with spooled runs' results replaced by their extras (spooled rules by nothing, or read back
 * when `materialiseRules`); problem paths point at the extras' real indexes.
 */
function withExtrasOnly(log: Log, validate: SarifValidator, materialiseRules: boolean): SchemaProblem[] {
  const offsets = new Map<number, number>();
  const runs = log.runs.map((original, k): Run => {
    const run = withRules(original, materialiseRules);
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
  return { ...log, runs: log.runs.map((original) => {
    const run = withRules(original, true);
    return isSpooled(run?.results) ? { ...run, results: [...run.results] } : run;
  }) };
}

/** The schema compiled, and — when it checks results one by one only — its result subschema compiled with it. */
function compileValidator(schema: Record<string, unknown>): { validate: ValidateFunction; validateResult: ValidateFunction | undefined } {
  let ajv: Ajv;
  if (String(schema['$schema'] ?? '').includes('draft-04')) {
    const Draft04 = ((AjvDraft04 as unknown as { default?: unknown }).default ?? AjvDraft04) as new (o: object) => Ajv;
    ajv = new Draft04({ allErrors: false, strict: false, validateFormats: true });
  } else {
    ajv = new Ajv({ allErrors: false, strict: false });
  }
  addFormats(ajv);
  useLinearUniqueItems(ajv);
  const validate = ajv.compile(schema);
  const pointer = resultItemsPointer(schema);
  return { validate, validateResult: pointer === undefined ? undefined : resultFragment(ajv, schema, pointer) };
}

/** The compiled subschema at `pointer` of `schema` (already compiled in `ajv`), or undefined if ajv cannot find it. */
function resultFragment(ajv: Ajv, schema: Record<string, unknown>, pointer: string): ValidateFunction | undefined {
  const id = schema['$id'] ?? schema['id'];
  let base = typeof id === 'string' && id ? id.replace(/#$/, '') : undefined;
  if (base === undefined) {
    base = 'secgate-user-sarif-schema';
    ajv.addSchema(schema, base);
  }
  try {
    return ajv.getSchema(`${base}${pointer}`);
  } catch {
    return undefined; // the whole-log check then (slow, correct)
  }
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
