import { afterEach, describe, expect, it } from 'vitest';
import { ResourceError } from '../../src/errors.js';
import { guardHeap, setMemoryProbe } from '../../src/io/heap-guard.js';

// The guard looks every 1,024 findings: this many calls always include a look.
const LOOKS = 1024;
const read = (n: number) => {
  for (let i = 0; i < n; i++) guardHeap();
};

describe('guardHeap: the machine memory the off-heap keys take', () => {
  afterEach(() => setMemoryProbe(undefined));

  it('stops with one line (what, how much, what to do) past 85% of what the machine or cgroup allows', () => {
    setMemoryProbe({ rss: () => 7.0 * 2 ** 30, limit: () => 8 * 2 ** 30 });
    let error: unknown;
    try {
      read(LOOKS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResourceError);
    const e = error as ResourceError;
    expect(e.message).toMatch(/^out of memory: the [\d,]+ findings read so far take 7\.0 GB of the 8\.0 GB this machine allows$/);
    expect(e.hint).toMatch(/gate the report in parts/);
  });

  it('goes on below it, and with the real probe on this machine', () => {
    setMemoryProbe({ rss: () => 6.5 * 2 ** 30, limit: () => 8 * 2 ** 30 });
    expect(() => read(4 * LOOKS)).not.toThrow();
    setMemoryProbe(undefined);
    expect(() => read(4 * LOOKS)).not.toThrow();
  });
});
