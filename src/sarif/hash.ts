import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, outputEncoding: 'hex') => string;
// crypto.hash (Node >= 20.12) hashes a string in one call, several times faster than a Hash object
// for the short inputs fingerprints are; older Node 20 releases fall back to createHash. Both hash
// the string's UTF-8 bytes (a lone surrogate becomes U+FFFD either way): the digests are identical.
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

function hex(algorithm: 'sha256' | 'sha1', data: string): string {
  return oneShot ? oneShot(algorithm, data, 'hex') : crypto.createHash(algorithm).update(data).digest('hex');
}

/** Stable hex digest of a list of strings (unit separator between parts, so ["ab","c"] ≠ ["a","bc"]). */
export function digest(parts: readonly (string | number | undefined)[], length = 32): string {
  // One string, the same bytes the per-part update() calls used to feed: `${p ?? ''}` then U+001F.
  let s = '';
  for (const p of parts) s += `${p ?? ''}\u001f`;
  return hex('sha256', s).slice(0, length);
}

/** A deterministic GUID (RFC 4122 layout, version 5-style bits) from a key: same key, same GUID. */
export function guidFrom(key: string): string {
  guidBytesInto(key, SCRATCH, 0);
  return guidText(SCRATCH, 0);
}

/**
 * The 16 bytes of guidFrom(key) into `out` at `at`: the key's SHA-1, its version nibble 5 and the
 * RFC 4122 variant bits set. A caller that keeps many GUIDs keeps these, not strings.
 */
export function guidBytesInto(key: string, out: Uint8Array, at: number): void {
  const hex40 = hex('sha1', key);
  for (let i = 0; i < 16; i++) {
    const b = (hexValue(hex40.charCodeAt(2 * i)) << 4) | hexValue(hex40.charCodeAt(2 * i + 1));
    out[at + i] = i === 6 ? 0x50 | (b & 0x0f) : i === 8 ? 0x80 | (b & 0x3f) : b;
  }
}

/**
 * The 8-4-4-4-12 lower-case text of 16 GUID bytes, written into one buffer and read back as one
 * flat string: slices joined by a template stay ~10 heap objects per GUID until serialised.
 */
export function guidText(bytes: Uint8Array, at: number): string {
  const out = GUID_TEXT;
  for (let i = 0, o = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = 0x2d; // -
    const b = bytes[at + i]!;
    out[o++] = HEX.charCodeAt(b >>> 4);
    out[o++] = HEX.charCodeAt(b & 15);
  }
  return out.toString('latin1', 0, 36);
}

const hexValue = (c: number) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
const HEX = '0123456789abcdef';
const GUID_TEXT = Buffer.alloc(36);
const SCRATCH = new Uint8Array(16);
