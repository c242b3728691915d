import fc from 'fast-check';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { validateStructural } from '../../src/generated/sarif.js';
import { sarifStructuralSchema } from '../../src/sarif/structural-schema.js';
import { isPlainHttpUrl, isPlainRelativeRef, isUri, isUriReference, sarifFormats } from '../../src/sarif/uri.js';
import { createSarifValidator } from '../../src/sarif/validate.js';
import { fuzzRuns } from '../helpers/fuzz.js';

// The precompiled SARIF validators call secgate's uri / uri-reference checks (src/sarif/uri.ts sarifFormats)
// instead of ajv-formats' full mode: they must accept and reject exactly the same strings.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => unknown;
const full = fullFormats as unknown as { uri: (s: string) => boolean; 'uri-reference': RegExp };
const fullUri = (s: string): boolean => full.uri(s);
const fullUriReference = (s: string): boolean => full['uri-reference'].test(s);
const RUNS = fuzzRuns(3000);

// Characters around every branch of the RFC 3986 grammar (schemes, authorities, IP literals, escapes),
// plus hostile ones: controls, spaces, quotes, backslashes, non-ASCII, lone surrogates.
const uriChar = fc.constantFrom(...'aZz09-._~!$&\'()*+,;=:@/?#%[]<> "|^`{}\\\t\n\u0000é\u2028\ud800\udc00vV'.split(''));
const hexish = fc.constantFrom('%', '%2', '%2F', '%zz', '%41', '%e9');
const piece = fc.oneof(
  fc.constantFrom('http://', 'https://', 'HTTPS://', 'ftp://', 'file:///', 'urn:', 'mailto:', 'a:', '1a:', 'a+b-c.d:', '//', '///', '/', './', '../', '?', '#', '@', ':'),
  fc.constantFrom('[::1]', '[v1.x]', '[fe80::1%25eth0]', '[1:2:3:4:5:6:7:8]', '[::ffff:1.2.3.4]', '127.0.0.1', '256.1.1.1', ':8080', ':', 'user:pw@', 'h.test'),
  hexish,
  fc.string({ unit: uriChar, maxLength: 12 }),
);
const uriLike = fc.oneof(
  fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
  fc.string({ unit: uriChar, maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string(),
);

describe('secgate URI formats agree with ajv-formats (the precompiled validators use them)', () => {
  it('isUri accepts and rejects what ajv-formats `uri` does (property, hostile strings included)', () => {
    fc.assert(
      fc.property(uriLike, (s) => {
        expect(isUri(s)).toBe(fullUri(s));
        if (isPlainHttpUrl(s)) expect(fullUri(s)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('isUriReference accepts and rejects what ajv-formats `uri-reference` does (property, hostile strings included)', () => {
    fc.assert(
      fc.property(uriLike, (s) => {
        expect(isUriReference(s)).toBe(fullUriReference(s));
        if (isPlainRelativeRef(s)) expect(fullUriReference(s)).toBe(true);
        if (isPlainHttpUrl(s)) expect(fullUriReference(s)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('the fast paths take the usual artifact paths and reject what the grammar rejects', () => {
    for (const s of ['', '/', 'a//b', 'src/a-b/c.ts', 'app/npm/pkg-0/manifest-0', 'usr/lib/x%20y', "a@b/c!$&'()*+,;=", '~/x', '.']) {
      expect([s, isPlainRelativeRef(s), fullUriReference(s)]).toEqual([s, true, true]);
    }
    // An authority, a possible scheme, a broken escape, a space: the full grammar decides.
    for (const s of ['//h/x', 'a:b', '%zz', 'a b', 'a\\b', 'a%2']) expect(isPlainRelativeRef(s)).toBe(false);
    for (const s of ['%zz', 'a b', 'a\\b', 'http://[bad', 'a%2', '\ud800']) expect([s, isUriReference(s)]).toEqual([s, fullUriReference(s)]);
    expect(isUriReference(42)).toBe(false);
    expect(isUri(undefined)).toBe(false);
  });

  it('sarifFormats is ajv-formats full mode with uri and uri-reference replaced', () => {
    expect(Object.keys(sarifFormats).sort()).toEqual(Object.keys(fullFormats).sort());
    expect(sarifFormats['uri']).toBe(isUri);
    expect(sarifFormats['uri-reference']).toBe(isUriReference);
  });

  it('the structural validator gives the same verdict and first error as a run-time compile with ajv-formats (property)', () => {
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    const reference = ajv.compile(sarifStructuralSchema);
    const validator = createSarifValidator();
    const logWith = (uri: string, helpUri: string) => ({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 't', rules: [{ id: 'r', shortDescription: { text: 'r' }, fullDescription: { text: 'r' }, help: { text: 'r' }, helpUri }] } },
          results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri } } }] }],
        },
      ],
    });
    fc.assert(
      fc.property(uriLike, uriLike, (uri, helpUri) => {
        const log = logWith(uri, helpUri);
        const ok = validateStructural(log);
        expect(ok).toBe(reference(log));
        if (!ok) {
          const view = (e: typeof reference.errors) => (e ?? []).map(({ schemaPath: _, ...rest }) => rest);
          expect(view(validateStructural.errors)).toEqual(view(reference.errors));
          expect(validator(log as never)[0]).toEqual({ path: reference.errors![0]!.instancePath, message: reference.errors![0]!.message });
        }
      }),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
