// Precompiles secgate's JSON Schemas into ajv standalone validators (src/generated/*.js), so no schema is
// compiled at run time (compiling the 73 KB config schema cost 100–450 ms at every `check` and `run`, the
// SARIF structural schema ~150 ms). Run by scripts/build.mjs and `npm run gen`; `--check` exits 1 when the
// committed modules are stale (test/generated/validators.test.ts runs it, so a schema edit without
// regeneration fails the tests).
//
//   node scripts/gen-validators.mjs [--check]
import { build } from 'esbuild';
import { Ajv, _ } from 'ajv';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addFormats = addFormatsModule.default ?? addFormatsModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;
export const GENERATED_DIR = join(root, 'src', 'generated');

/** The schemas, from the TypeScript the rest of secgate uses (the config schema is composed from the runner registry). */
async function loadSchemas() {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-gen-'));
  try {
    const outfile = join(dir, 'schemas.mjs');
    await build({
      stdin: {
        contents: [
          "export { configSchema } from './src/config/schema.ts';",
          "export { sarifStructuralSchema } from './src/sarif/structural-schema.ts';",
          "export { runShape, outputShape } from './src/scanners/sarif/input-shape-schema.ts';",
          "export { sarifFormats } from './src/sarif/uri.ts';",
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      banner: { js: "import { createRequire as __secgateCreateRequire } from 'node:module'; const require = __secgateCreateRequire(import.meta.url);" },
      define: { __SECGATE_VERSION__: '"0.0.0"' },
      logLevel: 'warning',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One module per consumer (each loads only what it needs). The ajv options are the ones each validator
 * was compiled with at run time before, so the errors (and the messages built from them) are the same.
 * `formats`: the SARIF validators' formats are secgate's (src/sarif/uri.ts sarifFormats): ajv-formats' full
 * mode but for `uri` and `uri-reference`, functions with fast paths for plain paths and http(s) URLs that
 * accept and reject the same strings (property-tested); the generated module imports them at run time.
 */
// ajv marks `unicode` deprecated (it keeps working; were it dropped, the code-point count comes back, still correct).
const logger = { log: console.log, warn: (...a) => (String(a[0]).includes('option unicode') ? undefined : console.warn(...a)), error: console.error };

function modules(s) {
  // The three SARIF validators in one module, their large subschemas hoisted into functions of their own
  // (inlineRefs: false): the output shape is the structural schema's run, so they share its code (324 KB of
  // generated code → 196 KB, all of it on the path of every check). Only subschemas over 1,500 characters:
  // the small ones checked per result (message, region, location) stay inline, a call each was ~2× slower
  // on 200,000 results. With allErrors: false each still stops at the first error; only the errors'
  // schemaPath differs, which nothing reads.
  const { $id: _ownId, ...structural } = s.sarifStructuralSchema;
  // One result on its own (the gate checks each result before it is spooled): the structural schema's
  // result definition, hoisted with `items` too so validateStructural's results loop calls the same function.
  const result = structural.properties.runs.items.properties.results.items;
  // One rule on its own (spooled rules are checked as they are spooled): the driver's rules items.
  const rule = structural.properties.runs.items.properties.tool.properties.driver.properties.rules.items;
  const hoisted = hoistSections({ $id: 'secgate-sarif', properties: { structural, input: s.runShape, output: s.outputShape, result, rule } }, 1500, { items: true });
  // A schema of its own, referenced by id from the results loop: exported by a path into the main
  // schema instead, ajv compiles a second copy of its ~70 KB of code.
  const { sarifSchema, resultSchema } = splitDefinition(hoisted, hoisted.properties.result.$ref, RESULT_ID);
  // The path is relative to src/generated/ (a .ts import: esbuild and vitest resolve it, tsc does not read the .js).
  const sarif = new Ajv({ allErrors: false, strict: false, inlineRefs: false, unicode: !onlyNonEmptyLimits(sarifSchema), logger, code: { source: true, esm: true, formats: _`require("../sarif/uri.ts").sarifFormats` } });
  addFormats(sarif);
  // Functions, not ajv-formats' regexes (which ajv inlines into the code): the generated code calls these by name.
  for (const [name, fn] of Object.entries(s.sarifFormats)) if (name === 'uri' || name === 'uri-reference') sarif.addFormat(name, fn);
  sarif.addSchema(resultSchema);
  sarif.addSchema(sarifSchema);
  // No formats: the config loader never added any (the config schema uses none). Sections as functions of
  // their own (hoisted, inlineRefs: false): profiles repeat policy/scanners, and V8 compiles a function only
  // when a configuration has that section, instead of one 420 KB function at every start.
  const config = new Ajv({ allErrors: true, strict: false, verbose: true, inlineRefs: false, unicode: !onlyNonEmptyLimits(s.configSchema), logger, code: { source: true, esm: true } });
  config.addSchema(hoistSections(s.configSchema), 'config');
  const sarifExports = {
    validateStructural: 'secgate-sarif#/properties/structural',
    validateInputRun: 'secgate-sarif#/properties/input',
    validateOutputRun: 'secgate-sarif#/properties/output',
    validateStructuralResult: RESULT_ID,
    validateStructuralRule: 'secgate-sarif#/properties/rule',
  };
  return [
    { name: 'sarif', from: 'src/sarif/structural-schema.ts and src/scanners/sarif/input-shape-schema.ts', code: standaloneCode(sarif, sarifExports), exports: Object.keys(sarifExports) },
    { name: 'config', from: 'src/config/schema.ts', code: standaloneCode(config, { validateConfig: 'config' }), exports: ['validateConfig'] },
  ];
}

const RESULT_ID = 'secgate-sarif-result';

/**
 * `schema` with its definition at `ref` ("#/definitions/sN") moved out into a schema with `$id` `id`, and
 * every reference to it pointing there; the moved schema's own local references name `schema` absolutely.
 */
export function splitDefinition(schema, ref, id) {
  const name = /^#\/definitions\/(\w+)$/.exec(ref)?.[1];
  if (!name || !schema.definitions?.[name]) throw new Error(`splitDefinition: no definition at ${ref}`);
  const rewrite = (node, to) => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, to));
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? to(v) : k === 'enum' || k === 'const' || k === 'default' || k === 'examples' ? v : rewrite(v, to);
    return out;
  };
  const { [name]: moved, ...rest } = schema.definitions;
  const sarifSchema = rewrite({ ...schema, definitions: rest }, (r) => (r === ref ? id : r));
  const resultSchema = { $id: id, ...rewrite(moved, (r) => (r === ref ? '#' : r.startsWith('#') ? `${schema.$id}${r}` : r)) };
  return { sarifSchema, resultSchema };
}

/**
 * True when the schema's only string length limits are `minLength` 0 or 1: a string's `.length` and its
 * length in code points (what ajv counts by default, walking the whole string) are then zero together,
 * so ajv's `unicode: false` checks the same thing in constant time (the SARIF output's messages are long:
 * ~130 ms of a 100,000-finding check). Any other limit keeps the code-point count.
 */
export function onlyNonEmptyLimits(schema) {
  let ok = true;
  const schemaNode = (node) => {
    if (Array.isArray(node)) return node.forEach(schemaNode);
    if (!ok || !node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') continue;
      if (k === 'maxLength' || (k === 'minLength' && v !== 0 && v !== 1)) ok = false;
      // Maps of names to schemas (a property may well be named "maxLength" or "properties").
      else if (k === 'properties' || k === 'patternProperties' || k === 'definitions' || k === '$defs' || k === 'dependencies') Object.values(v ?? {}).forEach(schemaNode);
      else schemaNode(v);
    }
  };
  schemaNode(schema);
  return ok;
}

/**
 * The same schema with every large subschema under `properties` / `additionalProperties` (and `items`,
 * with `{ items: true }`) moved to `definitions` (one per distinct content) and referenced. Validation is
 * the same; the errors differ only in `schemaPath` (parentSchema keeps its keys, which the loader's
 * "unknown key (allowed: …)" lists).
 */
export function hoistSections(schema, minChars = 400, { items = false } = {}) {
  const definitions = {};
  const byContent = new Map();
  const hoist = (sub) => {
    const walked = walk(sub);
    const json = JSON.stringify(walked);
    if (json.length < minChars) return walked;
    let name = byContent.get(json);
    if (!name) {
      name = `s${byContent.size}`;
      byContent.set(json, name);
      definitions[name] = walked;
    }
    return { $ref: `#/definitions/${name}` };
  };
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      // Values, not schemas: copied as they are (a default could hold a key named "properties").
      if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') out[k] = v;
      else if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) out[k] = Object.fromEntries(Object.entries(v).map(([p, sub]) => [p, hoist(sub)]));
      else if ((k === 'additionalProperties' || (items && k === 'items')) && v && typeof v === 'object' && !Array.isArray(v)) out[k] = hoist(v);
      else out[k] = walk(v);
    }
    return out;
  };
  if (schema.definitions || schema.$defs) throw new Error('hoistSections: the schema already has definitions');
  return { ...walk(schema), definitions };
}

/**
 * ajv's standalone ESM still require()s its runtime helpers and the formats: turn each into an import of
 * the same module. `require(m)` is module.exports; a namespace import of a CommonJS module gives it as
 * `default` in Node and in esbuild's bundles, but vitest's interop gives `exports.default` there and the
 * named exports beside it: __cjs picks module.exports in both cases (ajv's modules all set __esModule).
 */
export function toEsm(code) {
  const imports = new Map();
  const body = code
    .replace(/^"use strict";/, '')
    .replace(/require\("([^"]+)"\)/g, (_m, spec) => {
      const file = /\.([cm]?js|ts)$/.test(spec) ? spec : `${spec}.js`;
      if (!imports.has(file)) imports.set(file, `__dep${imports.size}`);
      return `__cjs(${imports.get(file)})`;
    });
  if (!imports.size) return body;
  const head = [...imports].map(([file, id]) => `import * as ${id} from ${JSON.stringify(file)};`);
  head.push('const __cjs = (ns) => (ns.default !== null && typeof ns.default === "object" && ns.default.__esModule ? ns.default : ns);');
  return `${head.join('\n')}\n${body}`;
}

/**
 * ajv checks `uniqueItems` on an array of strings by filling an object used as a dictionary, one per array:
 * ~1 µs for the two tags of every result and rule (V8 makes each a dictionary-mode object), ~200 ms of a
 * 100,000-result log. The same loop as a call to firstDuplicate (below, emitted into the module): a
 * nested loop for short arrays, a Map for long ones; the same duplicate found (the last index that has a
 * later equal item, and the first such later index), so the same error, and the same blind spot — ajv's
 * object ignores "__proto__" (an assignment to it sets no key), so it never reports that one.
 */
export function fastUniqueStrings(code) {
  const loop = /if\((i\d+) > 1\)\{const (indices\d+) = \{\};for\(;\1--;\)\{let (item\d+) = (\w+)\[\1\];if\(typeof \3 !== "string"\)\{continue;\}if\(typeof \2\[\3\] == "number"\)\{(j\d+) = \2\[\3\];(.*?)break;\}\2\[\3\] = \1;\}\}/g;
  let replaced = 0;
  const out = code.replace(loop, (_m, i, indices, _item, data, j, error) => {
    replaced++;
    return `if(${i} > 1){const ${indices} = firstDuplicate(${data});if(${indices} !== undefined){${i} = ${indices}[0];${j} = ${indices}[1];${error}}}`;
  });
  // Fail loudly when ajv's output changes shape: a loop left as it was is correct but slow, one half-matched is not.
  const total = (code.match(/const indices\d+ = \{\};/g) ?? []).length;
  if (replaced !== total) throw new Error(`fastUniqueStrings: ${replaced} of ${total} uniqueItems loops recognised`);
  return replaced ? `${out}\n${FIRST_DUPLICATE}` : out;
}

const FIRST_DUPLICATE = `/** [i, j]: the last index i whose string has an equal one later, j the first such index (ajv's uniqueItems loop, "__proto__" skipped as its object did). */
function firstDuplicate(a) {
  const n = a.length;
  if (n <= 32) {
    for (let i = n - 1; i >= 0; i--) {
      const x = a[i];
      if (typeof x !== "string" || x === "__proto__") continue;
      for (let j = i + 1; j < n; j++) if (a[j] === x) return [i, j];
    }
    return undefined;
  }
  const seen = new Map();
  for (let i = n - 1; i >= 0; i--) {
    const x = a[i];
    if (typeof x !== "string" || x === "__proto__") continue;
    const j = seen.get(x);
    if (j !== undefined) return [i, j];
    seen.set(x, i);
  }
  return undefined;
}`;

function render(m) {
  const js = `// Generated by scripts/gen-validators.mjs from ${m.from} (ajv standalone): do not edit, run \`npm run gen\`.\n/* eslint-disable */\n// @ts-nocheck\n${fastUniqueStrings(toEsm(m.code))}\n`;
  const dts = `// Generated by scripts/gen-validators.mjs: the types of ${m.name}.js.\nimport type { ValidateFunction } from 'ajv';\n\n${m.exports.map((e) => `export declare const ${e}: ValidateFunction;`).join('\n')}\n`;
  return [
    [join(GENERATED_DIR, `${m.name}.js`), js],
    [join(GENERATED_DIR, `${m.name}.d.ts`), dts],
  ];
}

/** Every generated file and its content. */
export async function generateValidators() {
  return new Map(modules(await loadSchemas()).flatMap(render));
}

/** Write the files whose content changed (concurrent builds then do not rewrite them); the stale ones. */
export async function writeValidators({ check = false } = {}) {
  const stale = [];
  const files = await generateValidators();
  // A module no longer generated (renamed, merged) is stale too: removed.
  for (const name of existsSync(GENERATED_DIR) ? readdirSync(GENERATED_DIR) : []) {
    const file = join(GENERATED_DIR, name);
    if (files.has(file)) continue;
    stale.push(relative(root, file));
    if (!check) rmSync(file);
  }
  for (const [file, content] of files) {
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    stale.push(relative(root, file));
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const stale = await writeValidators({ check });
  if (check && stale.length) {
    process.stderr.write(`stale generated validators: ${stale.join(', ')} — run \`npm run gen\`\n`);
    process.exit(1);
  }
  if (!check && stale.length) process.stderr.write(`regenerated ${stale.join(', ')}\n`);
}
