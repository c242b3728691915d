import { createHash } from 'node:crypto';

/** Stable hex digest of a list of strings (unit separator between parts, so ["ab","c"] ≠ ["a","bc"]). */
export function digest(parts: readonly (string | number | undefined)[], length = 32): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? ''}\u001f`);
  return h.digest('hex').slice(0, length);
}

/** A deterministic GUID (RFC 4122 layout, version 5-style bits) from a key: same key, same GUID. */
export function guidFrom(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
