import { id as nonEmptyId, optArr, optNum, optStr, str } from './shape.js';

/**
 * JSON paths for error messages, made into strings only when an error reports one. The shape
 * readers take the path as a string, so an adapter that reads 20 fields of 100,000 findings built
 * two million path strings that no error ever read; these readers take the path in pieces
 * (`path` + a constant suffix) and join them only on the error path. Same values, same errors.
 */
export type JsonPath = string | ElementPath;

/** `${parent}${key}[${index}]`, e.g. `$.matches[41]`, when printed. */
export class ElementPath {
  constructor(
    private readonly parent: JsonPath,
    private readonly key: string,
    private readonly index: number,
  ) {}
  toString(): string {
    return `${this.parent}${this.key}[${this.index}]`;
  }
}

/** optStr(x, `${path}${suffix}`). */
export function ostr(x: unknown, path: JsonPath, suffix: string): string | undefined {
  if (typeof x === 'string') return x;
  if (x === undefined || x === null) return undefined;
  return optStr(x, `${path}${suffix}`);
}

/** optNum(x, `${path}${suffix}`). */
export function onum(x: unknown, path: JsonPath, suffix: string): number | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (x === undefined || x === null) return undefined;
  return optNum(x, `${path}${suffix}`);
}

/** optArr(x, `${path}${suffix}`). */
export function oarr(x: unknown, path: JsonPath, suffix: string): unknown[] {
  if (Array.isArray(x)) return x;
  if (x === undefined || x === null) return [];
  return optArr(x, `${path}${suffix}`);
}

/** nonEmptyId(x, `${path}${suffix}`). */
export function idAt(x: unknown, path: JsonPath, suffix: string): string {
  return typeof x === 'string' && x.trim() !== '' ? x : nonEmptyId(x, `${path}${suffix}`);
}

/** str(x, `${path}${suffix}`). */
export function strAt(x: unknown, path: JsonPath, suffix: string): string {
  return typeof x === 'string' ? x : str(x, `${path}${suffix}`);
}

/** optArr(x, `${path}${suffix}`).filter((e) => typeof e === 'string'): always a new array. */
export function strings(x: unknown, path: JsonPath, suffix: string): string[] {
  const xs = oarr(x, path, suffix);
  const out: string[] = [];
  for (const e of xs) if (typeof e === 'string') out.push(e);
  return out;
}
