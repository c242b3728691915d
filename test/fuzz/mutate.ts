import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Run } from 'sarif';
import { ReportError } from '../../src/errors.js';
import { parseReport } from '../../src/io/read-report.js';
import { mergeRuns } from '../../src/sarif/merge.js';
import { ShapeError } from '../../src/scanners/shape.js';
import type { Adapter } from '../../src/scanners/types.js';
import { HAVE_CORPUS, corpusFiles } from '../helpers/corpus.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { fuzzRuns } from '../helpers/fuzz.js';

/** Runs per property: ~200 in `npm test`, FUZZ_RUNS=10000 in `npm run fuzz`. */
export const FUZZ_RUNS = fuzzRuns(200);
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');

/** Seed documents: our fixtures, and the corpus files small enough to mutate quickly. */
export function seeds(fixtureNames: string[], corpusDir: string, keep: (rel: string) => boolean): { name: string; doc: unknown }[] {
  const out = fixtureNames.map((n) => ({ name: n, doc: JSON.parse(readFileSync(join(FIXTURES, n), 'utf8')) as unknown }));
  if (HAVE_CORPUS) {
    for (const [rel, path] of corpusFiles(corpusDir)) {
      if (keep(rel) && statSync(path).size < 40_000) out.push({ name: rel, doc: JSON.parse(readFileSync(path, 'utf8')) as unknown });
    }
  }
  return out;
}

type Path = (string | number)[];

/** Every path to a value inside a document (the root is []). */
function paths(doc: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...prefix, k], out);
  return out;
}

export interface Mutation {
  at: number;
  op: 'delete' | 'replace' | 'truncate' | 'empty' | 'stringify' | 'huge';
  value: unknown;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'truncate', 'empty', 'stringify', 'huge'),
  value: fc.jsonValue({ maxDepth: 2 }),
});

/** Apply mutations to a deep copy: drop a key, change a value's type, truncate an array… */
export function mutate(doc: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    const replace = (fn: (old: unknown) => unknown) => {
      if (path.length === 0) {
        root = fn(root);
        return;
      }
      const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
      const key = path[path.length - 1]!;
      if (m.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else parent[key] = fn(parent[key]);
    };
    switch (m.op) {
      case 'delete':
      case 'replace':
        replace(() => m.value);
        break;
      case 'truncate':
        replace((old) => (Array.isArray(old) ? old.slice(0, Math.floor(old.length / 2)) : typeof old === 'string' ? old.slice(0, old.length >> 1) : old));
        break;
      case 'empty':
        replace((old) => (Array.isArray(old) ? [] : old && typeof old === 'object' ? {} : typeof old === 'string' ? '' : null));
        break;
      case 'stringify':
        replace((old) => (typeof old === 'string' ? old : JSON.stringify(old)));
        break;
      case 'huge':
        replace((old) => (typeof old === 'string' ? `${old}\u001b[31m${'x'.repeat(70_000)}\u202e` : old));
        break;
    }
  }
  return root;
}

/**
 * The property every adapter keeps: a document either converts to runs that validate (secgate's
 * structural schema, which holds GitHub's rules, and the official schema when `official` says the
 * input allows it), or fails with a typed error — ShapeError from toRuns, a ReportError (never
 * wrapping an unexpected exception) from parseReport. Any other exception is a crash.
 */
export function checkAdapter(adapter: Adapter, doc: unknown, official: (doc: unknown) => boolean = () => true): void {
  let runs: Run[] | undefined;
  try {
    runs = adapter.toRuns(structuredClone(doc), { file: 'fuzz.json', category: `${adapter.id}-fuzz`, unknownSeverity: 'medium' });
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    expect(e.path).toMatch(/^\$/);
  }
  if (runs) expectValid(runs, official(doc));

  let read: Run[] | undefined;
  try {
    read = parseReport({ path: 'fuzz.json' }, JSON.stringify(doc) ?? '', { unknownSeverity: 'medium' }).runs;
  } catch (e) {
    if (!(e instanceof ReportError) || e.cause !== undefined) throw e;
    expect(e.oneLine().split('\n')).toHaveLength(1);
  }
  if (read) expectValid(read, official(doc));
}

function expectValid(runs: Run[], official: boolean): void {
  const problems = sarifProblems(mergeRuns(runs));
  const relevant = official ? problems : problems.filter((p) => p.startsWith('structural'));
  expect(relevant, relevant.slice(0, 3).join('; ')).toEqual([]);
}
