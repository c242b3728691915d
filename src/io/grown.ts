/** The typed arrays secgate keeps per finding (offsets, codes, flags) instead of an object each. */
export type GrowableArray = Int32Array | Uint8Array | Uint32Array | Float64Array;

/**
 * `a` when index `i` fits in it, else a copy of it with room for `i` (the length doubled until it
 * fits): callers keep one array per column and grow it as findings come.
 */
export function grown<T extends GrowableArray>(a: T, i: number): T {
  if (i < a.length) return a;
  let n = Math.max(16, a.length * 2);
  while (n <= i) n *= 2;
  const next = new (a.constructor as new (length: number) => T)(n);
  next.set(a as never);
  return next;
}
