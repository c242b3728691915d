import type { ErrorObject } from 'ajv';
import { ShapeError } from '../shape.js';
// The schemas are in input-shape-schema.ts; scripts/gen-validators.mjs precompiles them (no compile at run time).
import { validateInputRun as input, validateOutputRun as output } from '../../generated/sarif.js';

/** Throw a ShapeError at the first place `run` does not have the shape secgate reads. */
export function checkInputRun(run: unknown, path: string): void {
  if (!input(run)) throw toShapeError(input.errors?.[0], path, '');
}

/**
 * After completion every run must satisfy secgate's structural schema (GitHub's rules
 * included). Whatever still does not is the producer's malformed value that secgate passed
 * through: a ShapeError at its path, never an invalid log written out.
 */
export function checkOutputRun(run: unknown, path: string): void {
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
