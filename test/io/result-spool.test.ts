import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultSpool, spoolError } from '../../src/io/result-spool.js';
import { OutputError, ResourceError, type SecgateError } from '../../src/errors.js';
import { fuzzRuns } from '../helpers/fuzz.js';

/** Any well-formed text: ASCII, any code point (astral included), raw newlines, empty. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => Buffer.from(s).toString()) /* lone surrogates → U+FFFD */,
  fc.constantFrom('', '\n', '\n\n', '{}', '\u2028\u2029', '😀', 'é'.repeat(50)),
);

function caught(fn: () => unknown): SecgateError {
  try {
    fn();
  } catch (e) {
    return e as SecgateError;
  }
  throw new Error('expected an error');
}

describe('SpoolSegment: lines round-trip', () => {
  it('lines(from, to) and line(i) give back what was appended, across write and read block boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 60 }),
        fc.integer({ min: 64, max: 300 }),
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        fc.nat(),
        (texts, writeBuffer, readBlock, a, b) => {
          const spool = ResultSpool.create({ writeBuffer, readBlock });
          try {
            const seg = spool.segment();
            texts.forEach((t, i) => expect(seg.append(t)).toBe(i));
            seg.seal();
            expect(seg.count).toBe(texts.length);
            expect(seg.bytes).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0));
            expect([...seg.lines()]).toEqual(texts);
            const from = texts.length ? a % (texts.length + 1) : 0;
            const to = from + (texts.length ? b % (texts.length - from + 1) : 0);
            expect([...seg.lines(from, to)]).toEqual(texts.slice(from, to));
            for (let i = texts.length - 1; i >= 0; i--) expect(seg.line(i)).toBe(texts[i]);
          } finally {
            spool.close();
          }
        },
      ),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('the file holds the lines as UTF-8, one per line', () => {
    const spool = ResultSpool.create({ keepFiles: true });
    try {
      const seg = spool.segment();
      for (const t of ['{"a":1}', '{"é":"😀"}', JSON.stringify({ lone: 'a\ud800b\udfffc' })]) seg.append(t);
      seg.seal();
      const [file] = readdirSync(spool.dir);
      expect(readFileSync(join(spool.dir, file!), 'utf8')).toBe('{"a":1}\n{"é":"😀"}\n{"lone":"a\\ud800b\\udfffc"}\n');
      // JSON.stringify (Node ≥ 12) escapes lone surrogates, so spooled JSON text is always well-formed UTF-16.
      expect(JSON.parse(seg.line(2))).toEqual({ lone: 'a\ud800b\udfffc' });
    } finally {
      spool.close();
    }
  });

  it('reads while still appending (pending bytes are flushed first), and lines bigger than both buffers', () => {
    const spool = ResultSpool.create({ writeBuffer: 64, readBlock: 32 });
    try {
      const seg = spool.segment();
      const big = 'x'.repeat(10_000) + '😀'.repeat(3000);
      seg.append('a');
      seg.append(big);
      expect(seg.line(1)).toBe(big);
      seg.append('b');
      seg.append('ü'.repeat(40)); // fits by bytes, not by the 3-bytes-per-unit estimate
      expect([...seg.lines()]).toEqual(['a', big, 'b', 'ü'.repeat(40)]);
      seg.seal();
      expect([...seg.lines(1, 3)]).toEqual([big, 'b']);
      expect([...seg.lines(2, 2)]).toEqual([]);
    } finally {
      spool.close();
    }
  });

  it('two walks at once each get their own block', () => {
    const spool = ResultSpool.create({ readBlock: 16 });
    try {
      const seg = spool.segment();
      const texts = Array.from({ length: 50 }, (_, i) => `line ${i} ${'.'.repeat(i % 7)}`);
      for (const t of texts) seg.append(t);
      seg.seal();
      const outer: string[] = [];
      const inner: string[] = [];
      for (const a of seg.lines()) {
        outer.push(a);
        if (outer.length === 10) for (const b of seg.lines(5, 40)) inner.push(b);
      }
      expect(outer).toEqual(texts);
      expect(inner).toEqual(texts.slice(5, 40));
    } finally {
      spool.close();
    }
  });

  it('by default nothing is left on disk even while the spool is in use (a killed run leaves nothing)', () => {
    const spool = ResultSpool.create({ writeBuffer: 64 });
    try {
      const seg = spool.segment();
      for (let i = 0; i < 500; i++) seg.append(`{"i":${i}}`);
      seg.seal();
      // The file is unlinked and the emptied dir removed while the spool is still in use.
      expect(existsSync(spool.dir)).toBe(false);
      expect(seg.line(499)).toBe('{"i":499}');
      // A later segment gets a dir of its own (removed again as soon as its file is open).
      const other = spool.segment();
      other.append('{"x":1}');
      other.seal();
      expect([...other.lines()]).toEqual(['{"x":1}']);
      expect(existsSync(spool.dir)).toBe(false);
      expect([...seg.lines(0, 3)]).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
    } finally {
      spool.close();
    }
  });

  it('segments of one spool are independent files', () => {
    const spool = ResultSpool.create({ writeBuffer: 64, keepFiles: true });
    try {
      const a = spool.segment();
      const b = spool.segment();
      for (let i = 0; i < 100; i++) {
        a.append(`a${i}`);
        b.append(`b${i}`);
      }
      a.seal();
      b.seal();
      expect(readdirSync(spool.dir).sort()).toEqual(['run-0.jsonl', 'run-1.jsonl']);
      expect([...a.lines()].join()).toBe(Array.from({ length: 100 }, (_, i) => `a${i}`).join());
      expect([...b.lines(99)]).toEqual(['b99']);
    } finally {
      spool.close();
    }
  });

  it('refuses a lone surrogate (UTF-8 cannot hold it), appends after seal and out-of-range reads', () => {
    const spool = ResultSpool.create();
    try {
      const seg = spool.segment();
      expect(() => seg.append('a\ud800')).toThrow(TypeError);
      seg.append('ok');
      seg.seal();
      expect(() => seg.append('more')).toThrow(/after seal/);
      expect(() => seg.line(1)).toThrow(RangeError);
      expect(() => [...seg.lines(0, 2)]).toThrow(RangeError);
      expect(() => [...seg.lines(1, 0)]).toThrow(RangeError);
    } finally {
      spool.close();
    }
  });
});

describe('ResultSpool: the temp dir', () => {
  it('is a private dir under os.tmpdir(), removed by close(); using it afterwards is a clear error', () => {
    const spool = ResultSpool.create({ keepFiles: true });
    expect(spool.dir.startsWith(join(tmpdir(), 'secgate-spool-'))).toBe(true);
    const seg = spool.segment();
    seg.append('x');
    seg.seal();
    expect(existsSync(spool.dir)).toBe(true);
    expect(spool.close()).toBe(true);
    expect(spool.close()).toBe(true); // idempotent
    expect(existsSync(spool.dir)).toBe(false);
    const e = caught(() => seg.line(0));
    expect(e).toBeInstanceOf(OutputError);
    expect(e.oneLine()).toContain(`the result spool in ${spool.dir}: it was closed`);
    expect(() => spool.segment()).toThrow(OutputError);
  });

  describe('is gone when the process ends without close()', () => {
    let work: string;
    let script: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 's1-spool-exit-'));
      script = join(work, 'result-spool.mjs');
      buildSync({ entryPoints: [fileURLToPath(new URL('../../src/io/result-spool.ts', import.meta.url))], bundle: true, format: 'esm', platform: 'node', outfile: script, logLevel: 'silent' });
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    const ends: Record<string, string> = {
      'a normal exit': '',
      'process.exit(3)': 'process.exit(3);',
      'an uncaught exception': "throw new Error('boom');",
      'an unhandled rejection': "Promise.reject(new Error('boom'));",
    };
    for (const [name, end] of Object.entries(ends)) {
      it(name, () => {
        const tmp = mkdtempSync(join(work, 'tmp-'));
        const main = join(work, `main-${Object.keys(ends).indexOf(name)}.mjs`);
        writeFileSync(
          main,
          `import { ResultSpool } from ${JSON.stringify(script)};
           const spool = ResultSpool.create();
           const seg = spool.segment();
           for (let i = 0; i < 5000; i++) seg.append(JSON.stringify({ i, text: 'x'.repeat(i % 300) }));
           seg.seal();
           ResultSpool.create().segment().append('second spool');
           console.log(spool.dir);
           ${end}`,
        );
        const child = spawnSync(process.execPath, [main], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
        const dir = child.stdout.trim();
        // TMPDIR is honoured, and nothing is left in it.
        expect(dir.startsWith(join(tmp, 'secgate-spool-'))).toBe(true);
        expect(readdirSync(tmp)).toEqual([]);
        expect(child.status).toBe(end ? (end.includes('exit(3)') ? 3 : 1) : 0);
      });
    }
  });
});

describe('ResultSpool: I/O errors are one line, exit 2', () => {
  it('disk full while writing: ResourceError naming the dir and what to do', () => {
    const spool = ResultSpool.create({ writeBuffer: 64, keepFiles: true });
    try {
      // The segment's file is /dev/full: every write fails with ENOSPC, as on a full disk.
      symlinkSync('/dev/full', join(spool.dir, 'run-0.jsonl'));
      const seg = spool.segment();
      const e = caught(() => {
        for (let i = 0; i < 100; i++) seg.append(`result ${i}`);
      });
      expect(e).toBeInstanceOf(ResourceError);
      expect(e.oneLine()).toBe(`cannot write the result spool in ${spool.dir}: no space left on device — free space there or point TMPDIR at a disk with room`);
    } finally {
      spool.close();
    }
  });

  it('disk full at seal (the last buffered lines): same error', () => {
    const spool = ResultSpool.create({ keepFiles: true });
    try {
      symlinkSync('/dev/full', join(spool.dir, 'run-0.jsonl'));
      const seg = spool.segment();
      seg.append('buffered');
      expect(() => seg.seal()).toThrow(ResourceError);
    } finally {
      spool.close();
    }
  });

  it('a temp dir that does not exist', () => {
    const parent = join(tmpdir(), 's1-no-such-dir', 'deeper');
    const e = caught(() => ResultSpool.create({ tmpdir: parent }));
    expect(e).toBeInstanceOf(OutputError);
    expect(e.oneLine()).toBe(`cannot create the result spool in ${parent}: no such directory — point TMPDIR at a writable directory with room`);
  });

  // root ignores file permissions (CAP_DAC_OVERRIDE), so an unwritable dir cannot be made for it.
  it.skipIf(process.getuid?.() === 0)('a temp dir without write permission', () => {
    const parent = mkdtempSync(join(tmpdir(), 's1-readonly-'));
    try {
      chmodSync(parent, 0o500);
      const e = caught(() => ResultSpool.create({ tmpdir: parent }));
      expect(e).toBeInstanceOf(OutputError);
      expect(e.oneLine()).toBe(`cannot create the result spool in ${parent}: permission denied — point TMPDIR at a writable directory with room`);
    } finally {
      chmodSync(parent, 0o700);
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('a file closed under the spool (EBADF) on write and on read', () => {
    const spool = ResultSpool.create({ writeBuffer: 64 });
    try {
      const seg = spool.segment();
      seg.append('first');
      seg.seal();
      closeSync((seg as unknown as { fd: number }).fd);
      const read = caught(() => seg.line(0));
      expect(read).toBeInstanceOf(OutputError);
      expect(read.oneLine()).toBe(`cannot read the result spool in ${spool.dir}: the file was closed — point TMPDIR at a writable directory with room`);
      const seg2 = spool.segment();
      closeSync((seg2 as unknown as { fd: number }).fd);
      const write = caught(() => {
        for (let i = 0; i < 20; i++) seg2.append(`result ${i}`);
      });
      expect(write.oneLine()).toMatch(/^cannot write the result spool in .*: the file was closed — /);
    } finally {
      spool.close();
    }
  });

  it('every errno maps to one line (no newline from the system message)', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EFBIG', 'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EBADF', 'EIO', 'EWHATEVER']) {
      const cause = Object.assign(new Error(`${code}: something\nwent wrong`), { code });
      const e = spoolError('write the result spool in', '/tmp/x', cause);
      expect(e).toBeInstanceOf(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EFBIG'].includes(code) ? ResourceError : OutputError);
      expect(e.oneLine()).not.toMatch(/\n/);
      expect(e.oneLine()).toMatch(/^cannot write the result spool in \/tmp\/x: .+ — .+/);
      expect(e.cause).toBe(cause);
    }
  });
});

