/**
 * Report bytes → text. Scanners write UTF-8, but a report redirected by Windows PowerShell 5
 * (`trivy … > report.json`) is UTF-16LE with a byte-order mark: decoded as UTF-8 it would read
 * as garbage and be rejected as "not JSON" with no hint why.
 */
export function decodeReport(buf: Uint8Array): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    // UTF-16BE: swap to little-endian (Node has no utf16be decoder).
    const le = Buffer.from(b.subarray(2));
    if (le.length % 2 === 0) le.swap16();
    return le.toString('utf16le');
  }
  return b.toString('utf8');
}
