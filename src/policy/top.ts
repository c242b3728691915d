/**
 * The first `k` of `items` as a stable sort by `cmp` would order them — `[...items].sort(cmp).slice(0, k)`
 * — without sorting them all: a policy naming its 10 worst findings out of 100k sorts 10, not 100k.
 * Ties keep input order (an item goes after every kept item it compares equal to), as Array#sort does.
 */
export function firstSorted<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  // Kept in a sorted array, each insertion moves up to k items: for a long list (explain_top: 100000)
  // a bounded heap is the cheaper way to the same answer.
  if (k > SORT_ABOVE) {
    const heap = new FirstSortedHeap(k, cmp);
    for (const item of items) heap.add(item);
    return heap.sorted();
  }
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

/**
 * FirstSorted for a large k (the HTML report's 20,000 of millions): a bounded max-heap, so an item
 * costs O(log k) instead of moving up to k kept ones. Ties break by arrival, so `sorted()` is the
 * first k exactly as a stable sort orders them — firstSorted's answer.
 */
export class FirstSortedHeap<T> {
  /** Items added. */
  count = 0;
  private readonly items: T[] = [];
  private readonly seqs: number[] = [];

  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  add(item: T): void {
    const seq = this.count++;
    const { items, k } = this;
    if (k <= 0) return;
    if (items.length < k) {
      items.push(item);
      this.seqs.push(seq);
      this.up(items.length - 1);
      return;
    }
    // The root is the worst kept; a later item that ties with it sorts after it (stable), so only a strictly better one enters.
    if (this.cmp(item, items[0]!) >= 0) return;
    items[0] = item;
    this.seqs[0] = seq;
    this.down(0);
  }

  /** The kept items, best first (stable). */
  sorted(): T[] {
    const order = this.items.map((_, i) => i).sort((a, b) => this.order(a, b));
    return order.map((i) => this.items[i]!);
  }

  /** Heap order: > 0 when kept item a sorts after kept item b. */
  private order(a: number, b: number): number {
    return this.cmp(this.items[a]!, this.items[b]!) || this.seqs[a]! - this.seqs[b]!;
  }

  private swap(a: number, b: number): void {
    const { items, seqs } = this;
    [items[a], items[b]] = [items[b]!, items[a]!];
    [seqs[a], seqs[b]] = [seqs[b]!, seqs[a]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.order(i, parent) <= 0) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < n && this.order(l, worst) > 0) worst = l;
      if (r < n && this.order(r, worst) > 0) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
}
