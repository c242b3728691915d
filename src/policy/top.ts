/**
 * The first `k` of `items` as a stable sort by `cmp` would order them — `[...items].sort(cmp).slice(0, k)`
 * — without sorting them all: a policy naming its 10 worst findings out of 100k sorts 10, not 100k.
 * Ties keep input order (an item goes after every kept item it compares equal to), as Array#sort does.
 */
export function firstSorted<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  // Kept in a sorted array, each insertion moves up to k items: for a long list (explain_top: 100000)
  // a plain sort is the cheaper way to the same answer.
  if (k > SORT_ABOVE) return [...items].sort(cmp).slice(0, k);
  const top = new FirstSorted(k, cmp);
  for (const item of items) top.add(item);
  return top.kept;
}

/**
 * firstSorted fed one item at a time, and counting them: several top-k lists (and their "… and N
 * more") from one pass over items that are not kept. `kept` is always the first k so far.
 */
export class FirstSorted<T> {
  readonly kept: T[] = [];
  /** Items added. */
  count = 0;

  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  add(item: T): void {
    this.count++;
    const { kept, k, cmp } = this;
    if (k <= 0 || (kept.length === k && cmp(item, kept[k - 1]!) >= 0)) return; // not better than the worst kept
    // Binary search for the first kept element that `item` sorts strictly before.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(item, kept[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    kept.splice(lo, 0, item);
    if (kept.length > k) kept.pop();
  }
}

const SORT_ABOVE = 256;
