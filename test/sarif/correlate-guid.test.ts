import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { guidFrom } from '../../src/sarif/hash.js';
import { fuzzRuns } from '../helpers/fuzz.js';

/** The GUID as first written: sha1 hex sliced into the RFC 4122 layout, version 5, variant 8–b. */
function reference(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

describe('correlationGuid values', () => {
  it('guidFrom is the same GUID the sliced-hex formula gave, for any key', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        expect(guidFrom(key)).toBe(reference(key));
      }),
      { numRuns: fuzzRuns(300) },
    );
    expect(guidFrom('vuln|pkg:npm/a@1|CVE-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
