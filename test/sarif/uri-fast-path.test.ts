import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isPlainHttpUrl, isUri, toArtifactUri } from '../../src/sarif/uri.js';
import { toWellFormed } from '../../src/text/escape.js';

const fullUri = (s: string): boolean => (fullFormats as unknown as { uri: (s: string) => boolean }).uri(s);

// The former toArtifactUri for relative paths: every segment through encodeSegment.
function artifactUriBefore(path: string): string {
  let p = path.replace(/\\/g, '/').trim();
  p = p.replace(/^\.\//, '').replace(/^\/+/, '');
  if (p === '') p = '.';
  return p
    .split('/')
    .map((seg) => encodeURIComponent(toWellFormed(seg)).replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%2C/g, ',').replace(/%3D/g, '='))
    .join('/');
}

const urlChar = fc.constantFrom(...'aZ09-._~!$&\'()*+,;=:@/?#%[]<> "|^`{}\\é\u0000'.split(''));
const urlish = fc.tuple(fc.constantFrom('http://', 'https://', 'HTTPS://', 'ftp://', 'http:/', 'https://'), fc.string({ unit: urlChar, maxLength: 40 })).map(([a, b]) => a + b);
const pathChar = fc.constantFrom(...'aZ09-._~!*\'()@+,=/:;% #?é\\\ud800'.split(''));

describe('fast paths of the URI checks agree with the full grammar', () => {
  it('a plain http(s) URL is accepted by the full `uri` grammar too (property)', () => {
    fc.assert(
      fc.property(urlish, (s) => {
        if (isPlainHttpUrl(s)) expect(fullUri(s)).toBe(true);
        expect(isUri(s)).toBe(fullUri(s));
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 2000) },
    );
  });

  it('takes the fast path for the usual references', () => {
    for (const u of ['https://avd.aquasec.com/nvd/cve-2021-23337', 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm', 'http://h.test:8080/a/b?x=1&y=2#frag']) {
      expect(isPlainHttpUrl(u)).toBe(true);
      expect(isUri(u)).toBe(true);
    }
    expect(isUri('not a uri')).toBe(false);
  });

  it('a relative path encodes as the segment-by-segment encoder did (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: pathChar, maxLength: 30 }), fc.string()), (p) => {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p.replace(/\\/g, '/').trim())) return; // URLs take the other branch
        expect(toArtifactUri(p)).toBe(artifactUriBefore(p));
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 2000) },
    );
  });
});
