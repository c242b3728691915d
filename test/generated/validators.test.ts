import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { validateConfig } from '../../src/generated/config.js';
import { validateInputRun, validateOutputRun, validateStructural, validateStructuralResult } from '../../src/generated/sarif.js';
import { parseReport } from '../../src/io/read-report.js';
import { mergeRuns } from '../../src/sarif/merge.js';
import { sarifStructuralSchema } from '../../src/sarif/structural-schema.js';
import { warmUpSarifValidator } from '../../src/sarif/validate.js';
import { outputShape, runShape } from '../../src/scanners/sarif/input-shape-schema.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { FIXTURES, mutate, mutationArb, seeds } from '../fuzz/mutate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => unknown;
const RUNS = fuzzRuns(150);

/** The validators as they were compiled at run time before src/generated/ existed (same options). */
function compiled(schema: object, opts: { formats: boolean; config?: boolean }): ValidateFunction {
  const ajv = opts.config ? new Ajv({ allErrors: true, strict: false, verbose: true, code: { optimize: false } }) : new Ajv({ allErrors: false, strict: false });
  if (opts.formats) addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * The same verdict and the same errors. The generated validators' large subschemas are hoisted into
 * definitions (gen-validators.mjs hoistSections), so schemaPath differs: nothing reads it.
 */
function same(generated: ValidateFunction, reference: ValidateFunction, data: unknown): void {
  const ok = generated(data);
  expect(ok).toBe(reference(data));
  const view = (errors: ValidateFunction['errors']) => (errors ?? []).map(({ schemaPath: _, ...e }) => e);
  if (!ok) expect(view(generated.errors)).toEqual(view(reference.errors));
}

/**
 * The config validator's sections are hoisted into definitions (gen-validators.mjs hoistSections): the same
 * verdict and errors but for schemaPath, and parentSchema with the same keys (the loader lists them).
 */
function sameConfig(generated: ValidateFunction, reference: ValidateFunction, data: unknown): void {
  const ok = generated(data);
  expect(ok).toBe(reference(data));
  const view = (errors: ValidateFunction['errors']) =>
    (errors ?? []).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, params: e.params, message: e.message, data: e.data, allowed: Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}) }));
  if (!ok) expect(view(generated.errors)).toEqual(view(reference.errors));
}

describe('precompiled validators (src/generated, scripts/gen-validators.mjs)', () => {
  it('are up to date with the schemas (a schema edit needs `npm run gen`)', () => {
    // Exits 1 and names the stale files otherwise.
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-validators.mjs'), '--check'], { cwd: root, stdio: 'pipe' });
  }, 60_000);

  it('SARIF structural schema: same errors as a run-time compile, formats (uri, uri-reference) included', () => {
    const reference = compiled(sarifStructuralSchema, { formats: true });
    const grype = parseReport({ path: 'grype.json' }, readFileSync(join(FIXTURES, 'grype.json'), 'utf8'), { unknownSeverity: 'medium' }).runs;
    const trivy = parseReport({ path: 'trivy.json' }, readFileSync(join(FIXTURES, 'trivy.json'), 'utf8'), { unknownSeverity: 'medium' }).runs;
    const log = JSON.parse(JSON.stringify(mergeRuns([...grype, ...trivy]))) as unknown;
    same(validateStructural, reference, log);
    expect(validateStructural(log)).toBe(true);
    // A format only: "http://[bad" is not a uri, the rest of the log is fine.
    const badUri = structuredClone(log) as { runs: { tool: { driver: { informationUri?: string } } }[] };
    badUri.runs[0]!.tool.driver.informationUri = 'http://[bad';
    expect(validateStructural(badUri)).toBe(false);
    same(validateStructural, reference, badUri);
    fc.assert(fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (ms) => same(validateStructural, reference, mutate(log, ms))), { numRuns: RUNS });
  });

  it("SARIF result (the gate's per-result check): same errors as a run-time compile of the structural schema's result definition", () => {
    const reference = compiled(sarifStructuralSchema.properties.runs.items.properties.results.items, { formats: true });
    const grype = parseReport({ path: 'grype.json' }, readFileSync(join(FIXTURES, 'grype.json'), 'utf8'), { unknownSeverity: 'medium' }).runs;
    const results = JSON.parse(JSON.stringify(mergeRuns(grype).runs.flatMap((r) => r.results ?? []))) as unknown[];
    expect(results.length).toBeGreaterThan(1);
    for (const r of results) {
      expect(validateStructuralResult(r)).toBe(true);
      same(validateStructuralResult, reference, r);
    }
    fc.assert(fc.property(fc.nat(results.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (i, ms) => same(validateStructuralResult, reference, mutate(results[i], ms))), { numRuns: RUNS });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => same(validateStructuralResult, reference, v)), { numRuns: RUNS });
  });

  it('the result validator is the code validateStructural runs per result (one copy in the module, not two)', () => {
    const code = readFileSync(join(root, 'src', 'generated', 'sarif.js'), 'utf8');
    const name = /export const validateStructuralResult = (validate\d+);/.exec(code)?.[1];
    expect(name).toBeDefined();
    // Called from the run's results loop, and the only function of its size.
    expect(code).toMatch(new RegExp(`${name}\\(data\\d*\\[i\\d+\\], \\{instancePath:instancePath\\+"/results/"`));
    // The result schema's own first check (message and locations required) occurs once.
    expect(code.split('((data.message === undefined) && (missing0 = "message")) || ((data.locations === undefined) && (missing0 = "locations"))')).toHaveLength(2);
  });

  it('splitDefinition moves one definition out under its own $id and repoints every reference', async () => {
    const gen = (await import(join(root, 'scripts', 'gen-validators.mjs') as string)) as { splitDefinition: (s: object, ref: string, id: string) => { sarifSchema: object; resultSchema: object } };
    const schema = { $id: 'main', properties: { a: { $ref: '#/definitions/s0' }, b: { items: { $ref: '#/definitions/s0' } }, c: { enum: [{ $ref: '#/definitions/s0' }] } }, definitions: { s0: { properties: { x: { $ref: '#/definitions/s1' }, self: { $ref: '#/definitions/s0' } } }, s1: { type: 'string' } } };
    expect(gen.splitDefinition(schema, '#/definitions/s0', 'moved')).toEqual({
      sarifSchema: { $id: 'main', properties: { a: { $ref: 'moved' }, b: { items: { $ref: 'moved' } }, c: { enum: [{ $ref: '#/definitions/s0' }] } }, definitions: { s1: { type: 'string' } } },
      resultSchema: { $id: 'moved', properties: { x: { $ref: 'main#/definitions/s1' }, self: { $ref: '#' } } },
    });
    expect(() => gen.splitDefinition(schema, '#/definitions/s9', 'x')).toThrow(/no definition/);
  });

  it('string lengths: .length only where every limit is minLength 0/1 (then it agrees with the code-point count)', async () => {
    const gen = (await import(join(root, 'scripts', 'gen-validators.mjs') as string)) as { onlyNonEmptyLimits: (s: object) => boolean };
    expect(gen.onlyNonEmptyLimits(sarifStructuralSchema)).toBe(true);
    expect(gen.onlyNonEmptyLimits(configSchema)).toBe(true);
    expect(gen.onlyNonEmptyLimits({ properties: { a: { type: 'string', minLength: 2 } } })).toBe(false);
    expect(gen.onlyNonEmptyLimits({ items: { maxLength: 3 } })).toBe(false);
    // A property named maxLength, or a default holding one, is no limit.
    expect(gen.onlyNonEmptyLimits({ properties: { maxLength: { type: 'string', minLength: 1 } }, default: { maxLength: 1 } })).toBe(true);
    expect(gen.onlyNonEmptyLimits({ properties: { properties: { type: 'string', maxLength: 3 } } })).toBe(false);
    // An astral character is one code point and two UTF-16 units: non-empty either way.
    const input = compiled(runShape, { formats: true });
    for (const name of ['', '\u{1F600}', 'a']) same(validateInputRun, input, { tool: { driver: { name } } });
  });

  it("secgate run's warm-up log is valid, so it reaches the whole validator (not its first check only)", () => {
    expect(warmUpSarifValidator()).toBe(true);
  });

  it('SARIF input and output shapes: same errors as a run-time compile', () => {
    const input = compiled(runShape, { formats: true });
    const output = compiled(outputShape, { formats: true });
    const docs = seeds(['semgrep.sarif', 'zap-sarif.sarif'], 'sarif', (rel) => rel.endsWith('.sarif') || rel.endsWith('.json'));
    const runs = docs.flatMap((d) => ((d.doc as { runs?: unknown[] }).runs ?? []).slice(0, 2));
    expect(runs.length).toBeGreaterThan(1);
    fc.assert(
      fc.property(fc.nat(runs.length - 1), fc.array(mutationArb, { maxLength: 3 }), (i, ms) => {
        const run = mutate(runs[i], ms);
        same(validateInputRun, input, run);
        same(validateOutputRun, output, { runs: [run] });
      }),
      { numRuns: RUNS },
    );
  });

  it('config schema: same errors as a run-time compile (allErrors, verbose: the loader reads parentSchema)', () => {
    const reference = compiled(configSchema, { formats: false, config: true });
    const example = {
      version: 1,
      extends: 'strict',
      policy: { unknown_severity: 'medium', fail_on: [{ severity: 'high' }, { severity: 'medium', kinds: ['container'], max: 20 }], warn_on: [{ severity: 'medium', tools: ['trivy'] }] },
      scanners: { grype: { target: 'dir:.' }, trivy: { target: '.', mode: 'fs', timeout: '5m' }, 'npm-audit': { dir: '.', optional: true } },
      defaults: { concurrency: 2, timeout: '10m' },
      waivers: [{ id: 'CVE-2024-0001', reason: 'not reachable', expires: '2030-01-01' }],
      profiles: { nightly: { policy: { unknown_severity: 'high' } } },
    };
    expect(validateConfig(example)).toBe(true);
    sameConfig(validateConfig, reference, example);
    sameConfig(validateConfig, reference, { profiles: { nightly: { scanners: { grype: { target: 1, extra: true } } } } });
    sameConfig(validateConfig, reference, { polcy: {} });
    fc.assert(fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (ms) => sameConfig(validateConfig, reference, mutate(example, ms))), { numRuns: RUNS });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => sameConfig(validateConfig, reference, v)), { numRuns: RUNS });
  });
});
