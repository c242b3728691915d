/**
 * Small typed readers for untrusted JSON. They throw ShapeError with the JSON path, which the
 * report reader turns into a one-line ReportError: a scanner's schema drift is an error the
 * user can act on, never a crash or a silently empty run.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = Record<string, unknown>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function obj(x: unknown, path: string): Obj {
  if (!isObj(x)) throw new ShapeError(path, `expected an object, found ${describe(x)}`);
  return x;
}

export function arr(x: unknown, path: string): unknown[] {
  if (!Array.isArray(x)) throw new ShapeError(path, `expected an array, found ${describe(x)}`);
  return x;
}

/** Array or absent/null (→ []). */
export function optArr(x: unknown, path: string): unknown[] {
  if (x === undefined || x === null) return [];
  return arr(x, path);
}

export function str(x: unknown, path: string): string {
  if (typeof x !== 'string') throw new ShapeError(path, `expected a string, found ${describe(x)}`);
  return x;
}

/** A non-empty string: an identifier (rule id, package name) that other things refer to. */
export function id(x: unknown, path: string): string {
  if (str(x, path).trim() === '') throw new ShapeError(path, 'expected a non-empty identifier, found an empty string');
  return x as string;
}

/** String, number (stringified) or absent (→ undefined). Scanners are loose about both. */
export function optStr(x: unknown, path: string): string | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  throw new ShapeError(path, `expected a string, found ${describe(x)}`);
}

/** Number, numeric string, or absent (→ undefined). */
export function optNum(x: unknown, path: string): number | undefined {
  if (x === undefined || x === null || x === '') return undefined;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  throw new ShapeError(path, `expected a number, found ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return x.length > 40 ? 'a string' : `the string ${JSON.stringify(x)}`;
  return `a ${typeof x}`;
}
