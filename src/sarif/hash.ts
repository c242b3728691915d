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
  const hex40 = hex('sha1', key);
  // xxxxxxxx-xxxx-5xxx-Vxxx-xxxxxxxxxxxx, written into one buffer and read back as one flat string:
  // slices joined by a template stay ~10 heap objects per GUID until serialised (100k on big logs).
  const out = GUID_BYTES;
  let o = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) out[o++] = 0x2d; // -
    out[o++] = i === 12 ? 0x35 : i === 16 ? VARIANT[parseInt(hex40[16]!, 16) & 0x3]! : hex40.charCodeAt(i);
  }
  return out.toString('latin1', 0, 36);
}

const GUID_BYTES = Buffer.alloc(36);
/** "8", "9", "a", "b": the RFC 4122 variant digit. */
const VARIANT = [0x38, 0x39, 0x61, 0x62];
