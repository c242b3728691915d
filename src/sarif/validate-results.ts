/**
 * Can a user's SARIF schema (`--sarif-schema`) be checked on a log whose results are spooled
 * without reading every result into memory? Yes when the schema's only use of `runs[*].results`
 * is to check each element against one subschema: the log is then valid exactly when the log with
 * the spooled results left out is, and each spooled result is against that subschema. That is
 * decided here, conservatively, by walking the path log → runs → run → results and accepting only
 * keywords that cannot see a run's results as a whole; anything else (allOf at a run, uniqueItems
 * on runs, a maxItems on results, a remote $ref, an unknown keyword…) says "no" and the caller
 * validates the whole log, materialised. The official OASIS schema passes (its results items are
 * `#/definitions/result`).
 */

/** Keywords that never fail validation (annotations), and definitions (only reached through $ref). */
const ANNOTATIONS = new Set(['$schema', '$id', 'id', 'title', 'description', '$comment', 'default', 'examples', 'definitions', '$defs', 'deprecated', 'readOnly', 'writeOnly']);
/** On the log and on a run: keywords that look at other members, or at a member by name only through `properties`. */
const OBJECT_KEYWORDS = new Set(['type', 'properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties']);
/** On runs and results: per-element `items` (one schema), and counts. */
const ARRAY_KEYWORDS = new Set(['type', 'items', 'minItems', 'maxItems', 'uniqueItems']);

type Node = Record<string, unknown>;

/**
 * The JSON pointer ("#/definitions/result") of the subschema every element of a run's results is
 * checked against, when that is all the schema does with them; undefined when it may do more.
 */
export function resultItemsPointer(schema: Node): string | undefined {
  const log = at(schema, '#');
  const runs = log && member(schema, log, 'runs');
  const runsItems = runs && items(schema, runs, false);
  const run = runsItems && at(schema, runsItems.pointer, runsItems.node);
  const results = run && member(schema, run, 'results');
  const resultItems = results && items(schema, results, true);
  return resultItems?.pointer;
}

interface At {
  node: Node;
  pointer: string;
}

/** The schema at `pointer` with $refs followed (local ones only, no keyword beside them but annotations). */
function at(root: Node, pointer: string, node: unknown = resolvePointer(root, pointer), seen = new Set<string>()): At | undefined {
  if (!isNode(node)) return undefined;
  // An id below the root changes the base its $refs resolve against: not followed here.
  if (node !== root && (node['id'] !== undefined || node['$id'] !== undefined)) return undefined;
  const ref = node['$ref'];
  if (ref === undefined) return { node, pointer };
  if (typeof ref !== 'string' || !ref.startsWith('#') || seen.has(ref)) return undefined;
  if (Object.keys(node).some((k) => k !== '$ref' && !ANNOTATIONS.has(k))) return undefined;
  seen.add(ref);
  return at(root, ref, resolvePointer(root, ref), seen);
}

/** The subschema of object member `name`, if the object's schema checks that member by its subschema alone. */
function member(root: Node, { node }: At, name: string): At | undefined {
  if (!onlyKeywords(node, OBJECT_KEYWORDS)) return undefined;
  const patterns = node['patternProperties'];
  if (patterns !== undefined && (!isNode(patterns) || Object.keys(patterns).some((p) => matchesOrInvalid(p, name)))) return undefined;
  const properties = node['properties'];
  // Not in `properties`: additionalProperties would check the member whole.
  if (!isNode(properties) || !Object.hasOwn(properties, name)) return undefined;
  return at(root, `${pointerOf(root, node)}/properties/${escape(name)}`, properties[name]);
}

/**
 * The per-element subschema of an array schema. For results (`counted`), no keyword may count or
 * compare the elements (the check sees only the extras); runs keep their number, so minItems and
 * maxItems there are fine, uniqueItems (which compares whole runs) is not.
 */
function items(root: Node, { node }: At, counted: boolean): At | undefined {
  if (!onlyKeywords(node, ARRAY_KEYWORDS)) return undefined;
  if (node['uniqueItems'] !== undefined && node['uniqueItems'] !== false) return undefined;
  if (counted && ((node['minItems'] !== undefined && node['minItems'] !== 0) || node['maxItems'] !== undefined)) return undefined;
  const each = node['items'];
  if (!isNode(each)) return undefined; // absent (nothing checked per element: fine, but rare) or a tuple
  return { node: each, pointer: `${pointerOf(root, node)}/items` };
}

function onlyKeywords(node: Node, allowed: ReadonlySet<string>): boolean {
  return Object.keys(node).every((k) => ANNOTATIONS.has(k) || allowed.has(k));
}

function matchesOrInvalid(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return true;
  }
}

/** Where `node` is in `root` (found by identity: nodes are reached only by walking `root`). */
const pointers = new WeakMap<Node, Map<Node, string>>();
function pointerOf(root: Node, node: Node): string {
  let map = pointers.get(root);
  if (!map) {
    map = new Map();
    const walk = (n: unknown, p: string) => {
      if (!isNode(n) && !Array.isArray(n)) return;
      if (isNode(n) && !map!.has(n)) map!.set(n, p);
      for (const [k, v] of Object.entries(n as object)) walk(v, `${p}/${escape(k)}`);
    };
    walk(root, '#');
    pointers.set(root, map);
  }
  const p = map.get(node);
  if (p === undefined) throw new Error('resultItemsPointer: a node outside the schema');
  return p;
}

function resolvePointer(root: Node, pointer: string): unknown {
  if (pointer === '#') return root;
  if (!pointer.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(2).split('/')) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isNode(node) && !Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node as object, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function escape(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
