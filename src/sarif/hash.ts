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
  const variant = ((parseInt(hex40[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex40.slice(0, 8)}-${hex40.slice(8, 12)}-5${hex40.slice(13, 16)}-${variant}${hex40.slice(17, 20)}-${hex40.slice(20, 32)}`;
}
