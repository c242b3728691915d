import { totalmem } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ResourceError } from '../errors.js';

/**
 * Findings are held in memory until the log is written (~0.8–3 KB each). A report of millions of
 * them can fill V8's heap, and V8 then aborts the process ("FATAL ERROR: Reached heap limit", exit
 * 134) with no word of why. Fail closed instead: while findings are read, once the heap after a full
 * collection is past READ_SHARE of its limit (the gate and the writer still need the rest), stop with
 * exit 2 and one line that says how to go on.
 */
const READ_SHARE = 0.75;
/** A heap statistics call costs ~1 µs: every 1,024 findings is free, and fine-grained enough for small heaps. */
const EVERY = 1024;

const YOUNG = 48 * 2 ** 20;

let seen = 0;
let collect: (() => void) | null | undefined = null;

/**
 * The spooled gate keeps each finding's keys off the heap (typed arrays, src/io/key-table.ts), where
 * --max-old-space-size does not reach: past MACHINE_SHARE of the machine's (or cgroup's) memory the
 * kernel's OOM killer would end the run with no word, so stop first with one line.
 */
const MACHINE_SHARE = 0.85;

/** What the guard reads: injectable so a test can put the process near a limit it cannot reach for real. */
export interface MemoryProbe {
  rss(): number;
  /** Bytes the process may use: the cgroup's limit when there is one, else the machine's memory. */
  limit(): number;
}

const systemProbe: MemoryProbe = {
  rss: () => process.memoryUsage.rss(),
  limit: () => {
    const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
    const total = totalmem();
    // No cgroup limit reads as 0 or as a huge number (cgroup v2 "max"): the machine's memory is then the limit.
    return constrained && constrained > 0 && constrained < total ? constrained : total;
  },
};
let probe = systemProbe;

/** For tests: read memory through `p` (undefined: the system again). */
export function setMemoryProbe(p: MemoryProbe | undefined): void {
  probe = p ?? systemProbe;
}

/** Count one finding read; throws ResourceError when the heap, or the machine's memory, is near its limit. */
export function guardHeap(): void {
  if (++seen % EVERY) return;
  const rss = probe.rss();
  const machine = probe.limit();
  if (rss > MACHINE_SHARE * machine) {
    throw new ResourceError(
      `out of memory: the ${seen.toLocaleString('en-US')} findings read so far take ${gb(rss)} of the ${gb(machine)} this machine allows`,
      'gate the report in parts (one scan per image or directory), or run on a machine with more memory',
    );
  }
  const stats = getHeapStatistics();
  const limit = stats.heap_size_limit;
  // The limit counts the young generation too (3 × 16 MB semi-spaces on 64-bit): V8 aborts when the
  // old generation (--max-old-space-size) is full, long before used reaches the whole limit.
  const old = Math.max(limit - YOUNG, limit / 2);
  if (stats.used_heap_size < READ_SHARE * old) return;
  // Much of what is used may be garbage: collect before deciding.
  fullGc();
  const used = getHeapStatistics().used_heap_size;
  if (used < READ_SHARE * old) return;
  throw new ResourceError(
    `out of memory: the ${seen.toLocaleString('en-US')} findings read so far fill ${gb(used)} of Node's ${gb(old)} heap`,
    `give Node more with NODE_OPTIONS=--max-old-space-size=${suggestMb(old)}, or gate the report in parts (one scan per image or directory)`,
  );
}

function fullGc(): void {
  if (collect === null) {
    try {
      // Node's documented way to reach gc() without starting with --expose-gc.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = undefined;
    }
  }
  collect?.();
}

function gb(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;
}

/** Twice the current limit, in MB, rounded up to a 1 GB step. */
function suggestMb(limit: number): number {
  return Math.ceil((2 * limit) / 2 ** 30) * 1024;
}
