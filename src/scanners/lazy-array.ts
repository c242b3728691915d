/**
 * A JSON array too big to hold in memory (src/io/json-large.ts): iterating it parses the elements
 * one at a time from the file; `head` holds the first element, for `detect`. Adapters that accept
 * one iterate it through `elementsOf` instead of `arr`.
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
