import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('a log GitHub could not take in one upload', () => {
  it('is still written whole, the exit code is the verdict, and one warning line says what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-runs-'));
    const runs = Array.from({ length: 21 }, (_, i) => ({ tool: { driver: { name: `tool-${String(i).padStart(2, '0')}` } }, results: [] }));
    writeFileSync(join(dir, 'many.sarif'), JSON.stringify({ version: '2.1.0', runs }));
    const r = await runCli(['check', 'many.sarif', '--sarif', 'out.sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^secgate: warning: out\.sarif holds 21 runs; GitHub code scanning accepts at most 20 per upload — /m);
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).runs).toHaveLength(21);
  });
});
