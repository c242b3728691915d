import { arr, optArr } from './shape.js';

/**
 * A JSON array too big to hold in memory (src/io/json-large.ts): iterating it parses the elements
 * one at a time from the file; `head` holds the first element, for `detect`. Adapters that accept
 * one iterate it through `elementsOf` / `optElementsOf` instead of `arr` / `optArr`.
 */
export class LazyArray implements Iterable<unknown> {
  constructor(
    private readonly open: () => Iterator<unknown>,
    readonly head: readonly unknown[],
  ) {}

  [Symbol.iterator](): Iterator<unknown> {
    return this.open();
  }
}

export function isLazyArray(x: unknown): x is LazyArray {
  return x instanceof LazyArray;
}

/** A required array of a report, or the LazyArray that stands for it when the report is streamed. */
export function elementsOf(x: unknown, path: string): Iterable<unknown> {
  return isLazyArray(x) ? x : arr(x, path);
}

/** An optional array of a report (absent or null: none), or its LazyArray when the report is streamed. */
export function optElementsOf(x: unknown, path: string): Iterable<unknown> {
  return isLazyArray(x) ? x : optArr(x, path);
}
