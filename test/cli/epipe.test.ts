import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const R = (f: string) => join(ROOT, 'fixtures', 'reports', f);

describe.skipIf(!existsSync(CLI))('a reader that closes the pipe early (`secgate check … | head -1`)', () => {
  it('still gets the verdict as the exit code (pipefail), not 0', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'secgate-epipe-')), 'x.sarif');
    const child = spawn(process.execPath, [CLI, 'check', R('grype.json'), R('trivy.json'), R('semgrep.sarif'), '--sarif', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before secgate writes anything: its first write meets EPIPE.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(existsSync(out)).toBe(true);
  });
});
