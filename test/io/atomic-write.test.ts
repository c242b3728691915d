import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { OutputError } from '../../src/errors.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'secgate-write-'));
const isRoot = process.getuid?.() === 0;

describe('atomic write', () => {
  it('writes the whole content, creating missing directories, and leaves no temp file', async () => {
    const dir = fresh();
    const path = join(dir, 'out', 'nested', 'secgate.sarif');
    await writeFileAtomic(path, 'hello\n');
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(readdirSync(join(dir, 'out', 'nested'))).toEqual(['secgate.sarif']);
  });

  it('replaces a previous file whole', async () => {
    const dir = fresh();
    const path = join(dir, 'secgate.sarif');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
  });

  it('a failing write leaves the previous file intact, no temp file behind, and says why in one line', async () => {
    const dir = fresh();
    const path = join(dir, 'secgate.sarif');
    writeFileSync(path, 'previous log');
    // The target is a directory: rename over it fails after the temp file was written.
    const target = join(dir, 'is-a-dir');
    mkdirSync(target);
    await expect(writeFileAtomic(target, 'x')).rejects.toBeInstanceOf(OutputError);
    expect(readdirSync(dir).sort()).toEqual(['is-a-dir', 'secgate.sarif']);
    expect(readFileSync(path, 'utf8')).toBe('previous log');
  });

  it('a path under a file is an OutputError naming the path and what to do', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'file'), '');
    const err = (await writeFileAtomic(join(dir, 'file', 'x.sarif'), 'x').catch((e: unknown) => e)) as OutputError;
    expect(err).toBeInstanceOf(OutputError);
    expect(err.oneLine()).toMatch(/^cannot write .*file\/x\.sarif: .+ — choose a writable output path$/);
  });

  it.skipIf(isRoot)('a read-only directory: permission denied, previous file intact (skipped as root: root writes anywhere)', async () => {
    const dir = fresh();
    const path = join(dir, 'secgate.sarif');
    writeFileSync(path, 'previous log');
    chmodSync(dir, 0o555);
    try {
      await expect(writeFileAtomic(path, 'new')).rejects.toThrow(/permission denied/);
      expect(readFileSync(path, 'utf8')).toBe('previous log');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
