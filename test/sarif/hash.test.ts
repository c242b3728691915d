import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digest, guidFrom } from '../../src/sarif/hash.js';

// The former implementations, byte for byte: fingerprints and GUIDs are stored by users (baselines,
// GitHub alerts), so a faster digest must give exactly these.
function digestBefore(parts: readonly (string | number | undefined)[], length = 32): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? ''}\u001f`);
  return h.digest('hex').slice(0, length);
}
function guidBefore(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Any UTF-16, lone surrogates included (they are hashed as U+FFFD's UTF-8 bytes by both).
const anyString = fc.string({ unit: 'binary' });
const part = fc.oneof(anyString, fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.constant(undefined));

describe('digest and guidFrom keep their exact bytes', () => {
  it('known values', () => {
    expect(digest(['grype', 'CVE-1', 'pkg'])).toBe(digestBefore(['grype', 'CVE-1', 'pkg']));
    expect(digest(['a'])).toBe('69fc94c033d1f48cef62e24c0833e6ba');
    expect(guidFrom('k')).toBe(guidBefore('k'));
  });

  it('digest equals the former Hash-object digest for any parts and length (property)', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (parts, n) => {
        expect(digest(parts)).toBe(digestBefore(parts));
        expect(digest(parts, n)).toBe(digestBefore(parts, n));
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 500) },
    );
  });

  it('guidFrom equals the former GUID for any key (property)', () => {
    fc.assert(
      fc.property(anyString, (k) => {
        expect(guidFrom(k)).toBe(guidBefore(k));
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 500) },
    );
  });
});
