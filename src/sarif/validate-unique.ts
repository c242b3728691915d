import { _, type Ajv, type CodeKeywordDefinition, type KeywordCxt } from 'ajv';
import { getSchemaTypes } from 'ajv/dist/compile/validate/dataType.js';
import { useFunc } from 'ajv/dist/compile/util.js';
import equalModule from 'ajv/dist/runtime/equal.js';
import uniqueItemsModule from 'ajv/dist/vocabularies/validation/uniqueItems.js';

// CommonJS modules with a default export: under NodeNext their type is the module object.
const equal = ((equalModule as unknown as { default?: unknown }).default ?? equalModule) as ((a: unknown, b: unknown) => boolean) & { code: unknown };
const builtIn = ((uniqueItemsModule as unknown as { default?: unknown }).default ?? uniqueItemsModule) as CodeKeywordDefinition;

/**
 * ajv's `uniqueItems` on objects compares every pair with a deep equal: O(n²). The official SARIF
 * schema puts it on a tool's `rules` (and artifacts…), so `--sarif-schema` on a log with 25,000
 * rules took minutes (377 s on trivy-100k). This is ajv's keyword with that one loop replaced by
 * firstDuplicate (one canonical key per item, a Map): the same duplicate reported, the same error.
 * Arrays whose items are scalars keep ajv's own (already linear) code.
 */
export function useLinearUniqueItems(ajv: Ajv): void {
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({
    ...builtIn,
    code(cxt: KeywordCxt) {
      const { gen, data, $data, schema, parentSchema } = cxt;
      const itemTypes = parentSchema.items ? getSchemaTypes(parentSchema.items) : [];
      // ajv's own condition for its linear loop over scalars (and $data: schema known only at run time).
      const scalar = itemTypes.length > 0 && !itemTypes.some((t) => t === 'object' || t === 'array');
      if ($data || scalar) return builtIn.code(cxt);
      if (!schema) return;
      const valid = gen.let('valid', true);
      const i = gen.let('i');
      const j = gen.let('j');
      cxt.setParams({ i, j });
      const find = useFunc(gen, firstDuplicate);
      const found = gen.const('found', _`${data}.length > 1 ? ${find}(${data}) : undefined`);
      gen.if(found, () => {
        gen.assign(i, _`${found}[0]`);
        gen.assign(j, _`${found}[1]`);
        cxt.error();
        gen.assign(valid, false);
      });
      cxt.ok(valid);
    },
  });
}

/**
 * What ajv's loop finds — `for (i = n; i--;) for (j = i; j--;) if (equal(a[i], a[j]))` — the last
 * index i that has an equal item before it, and the last such j < i; undefined when all differ.
 * Equal is ajv's deep equal (fast-deep-equal); the canonical key agrees with it on plain data, and
 * anything else (a class instance, an own valueOf/toString) goes back to ajv's pairwise loop.
 */
export function firstDuplicate(a: readonly unknown[]): [number, number] | undefined {
  const last = new Map<string, number>();
  let found: [number, number] | undefined;
  for (let i = 0; i < a.length; i++) {
    const key = canonical(a[i]);
    if (key === undefined) return pairwise(a);
    const j = last.get(key);
    if (j !== undefined) found = [i, j];
    last.set(key, i);
  }
  return found;
}
firstDuplicate.code = 'undefined'; // only for standalone code, which this ajv never generates

function pairwise(a: readonly unknown[]): [number, number] | undefined {
  for (let i = a.length; i--; ) for (let j = i; j--; ) if (equal(a[i], a[j])) return [i, j];
  return undefined;
}

/**
 * A string equal for two values exactly when fast-deep-equal says they are equal: type-tagged
 * primitives (=== equality: 0 and -0 one key, NaN its own), arrays element by element, plain
 * objects by their sorted own keys (key order does not matter to it, an undefined member does).
 * undefined for what it compares otherwise (other prototypes, valueOf/toString of their own).
 */
function canonical(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return `#${String(v)}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      break;
    default:
      return undefined; // functions, symbols, bigint: not JSON
  }
  if (v === null) return 'n';
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
    let s = '[';
    for (let k = 0; k < v.length; k++) {
      const c = canonical(v[k]);
      if (c === undefined) return undefined;
      s += k ? `,${c}` : c;
    }
    return `${s}]`;
  }
  // Another prototype (fast-deep-equal compares constructors, Dates by value…), or none (it calls valueOf and throws).
  if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const keys = Object.keys(v);
  if (Object.hasOwn(v, 'valueOf') || Object.hasOwn(v, 'toString')) return undefined;
  keys.sort();
  let s = '{';
  for (let k = 0; k < keys.length; k++) {
    const c = canonical((v as Record<string, unknown>)[keys[k]!]);
    if (c === undefined) return undefined;
    s += `${k ? ',' : ''}${JSON.stringify(keys[k])}:${c}`;
  }
  return `${s}}`;
}
