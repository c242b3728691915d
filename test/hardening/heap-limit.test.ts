/**
 * A report with more findings than Node's heap can hold must end in exit 2 with one line that says
 * what to do — not in V8's "FATAL ERROR: Reached heap limit" abort (exit 134, no word of why).
 * Run against the built CLI (`node dist/cli.js`, as CI starts it) with a deliberately small heap.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
let dir = '';
let big = '';

/** A Grype report of `n` distinct matches, in the shape of fixtures/reports/grype.json. */
function bigGrype(n: number): string {
  const base = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'reports', 'grype.json'), 'utf8')) as { matches: Record<string, any>[] };
  const template = JSON.stringify(base.matches[0]!);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = JSON.parse(template);
    m.vulnerability.id = `CVE-2024-${100000 + i}`;
    m.vulnerability.description = `Synthetic vulnerability ${i}`;
    m.relatedVulnerabilities = [];
    m.matchDetails[0].found.vulnerabilityID = m.vulnerability.id;
    m.artifact.name = `pkg-${i}`;
    m.artifact.version = `1.0.${i}`;
    m.artifact.purl = `pkg:apk/alpine/pkg-${i}@1.0.${i}`;
    parts.push(JSON.stringify(m));
  }
  const { matches: _, ...rest } = base;
  return `{"matches":[${parts.join(',')}],${JSON.stringify(rest).slice(1)}`;
}

beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'secgate-heap-'));
  big = join(dir, 'grype.json');
  writeFileSync(big, bigGrype(60_000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(heapMb: number) {
  // Streamed (as a report past the threshold would be), so the findings, not the raw text, fill the heap.
  return spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, CLI, 'check', big, '--sarif', join(dir, 'out.sarif'), '-q'], {
    cwd: dir,
    encoding: 'utf8',
    // In memory (not spooled): spooled, 60,000 findings' keys now fit in 64 MB (rules spooled too).
    env: { PATH: process.env['PATH'], NO_COLOR: '1', SECGATE_STREAM_ABOVE: '0', SECGATE_SPOOL_ABOVE: String(2 ** 40) },
  });
}

describe('a heap too small for the findings', () => {
  it('ends in exit 2 with one line naming the heap and what to do, and writes no SARIF log', () => {
    const r = check(64);
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^secgate: error: out of memory: the [\d,]+ findings read so far fill \d+ MB of Node's \d+ MB heap — give Node more with NODE_OPTIONS=--max-old-space-size=\d+, or gate the report in parts/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'out.sarif'))).toBe(false);
  });

  it('with room enough the same report gets its verdict', () => {
    const r = check(1024);
    expect(r.status, r.stderr).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(log.runs.reduce((n, run) => n + run.results.length, 0)).toBe(60_000);
  });
});

/** A SARIF log of `n` small distinct results: spooled, only the gate's keys per finding stay on the heap. */
function bigSarif(n: number): string {
  const results: string[] = [];
  for (let i = 0; i < n; i++) {
    results.push(JSON.stringify({ ruleId: `r${i % 50}`, message: { text: `m ${i}` }, locations: [{ physicalLocation: { artifactLocation: { uri: `src/f${i}.js` }, region: { startLine: 1 + (i % 300) } } }] }));
  }
  return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[${results.join(',')}]}]}`;
}

describe('the spooled gate on a small heap (big inputs: findings spooled, their keys off the heap)', () => {
  let sarif = '';
  beforeAll(() => {
    sarif = join(dir, 'big.sarif');
    writeFileSync(sarif, bigSarif(200_000));
  });

  function spooled(heapMb: number, out: string) {
    return spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, CLI, 'check', sarif, '--sarif', join(dir, out), '-q'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], NO_COLOR: '1', SECGATE_STREAM_ABOVE: '0', SECGATE_SPOOL_ABOVE: '0', TMPDIR: dir },
    });
  }

  // Held in memory, these 200k findings end in exit 2 on a 64 MB heap (above); spooled, the heap
  // holds no finding and no key (src/io/key-table.ts), so half that gates them all. What bounds the
  // spooled gate is the machine's memory instead: test/io/heap-guard.test.ts.
  it('gates 200k findings on a 32 MB heap: every finding in the log, no spool left', () => {
    const r = spooled(32, 'spooled-room.sarif');
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect([0, 1], r.stderr).toContain(r.status);
    const log = JSON.parse(readFileSync(join(dir, 'spooled-room.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(log.runs.reduce((n, run) => n + run.results.length, 0)).toBe(200_000);
    expect(readdirSync(dir).filter((f) => f.startsWith('secgate-spool-'))).toEqual([]);
  });
});
