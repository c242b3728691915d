import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOfWord, CONFIDENCE_WORDS, RISK_WORDS, ruleIdOf, stableUrl, statusOf, uriReference, urlFacts, withoutUserinfo } from '../../../src/scanners/zap/alert.js';
import { createSarifValidator } from '../../../src/sarif/validate.js';
import { toArtifactUri } from '../../../src/sarif/uri.js';
import { fuzzRuns } from '../../helpers/fuzz.js';

describe('ZAP alert mapping helpers', () => {
  it('urlFacts (one URL parse per distinct URL) agrees with withoutUserinfo, stableUrl and uriReference one by one', () => {
    const check = (raw: string) => {
      const url = withoutUserinfo(raw);
      expect(urlFacts(raw)).toEqual({ url, stable: stableUrl(url), reference: url ? uriReference(url) : '.', line: url.replace(/\s+/g, ' ').trim() });
    };
    for (const raw of ['', ' ', 'https://u:p@h.test/a?b=1&a=2#x', ' https://h.test/ ', 'https://h.test/\ud800', '/templates/<%=baseUrl%>', 'mailto:a@b', 'https://[::1]:8080/p q?x#y#z', 'no scheme/x?y=1']) check(raw);
    const part = fc.constantFrom('https://', 'http://u:p@', 'h.test', ':8080', '/', 'a b', '%', '%41', '?', '&', '=', '#', '\ud800', ' ', '[', ']', 'é', '..', 'x');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(part, { maxLength: 10 }).map((xs) => xs.join(''))), check), { numRuns: fuzzRuns(500) });
  });

  it('rule id: plugin id, or the alertRef variant of it', () => {
    expect(ruleIdOf('10202', '10202-1')).toBe('10202-1');
    expect(ruleIdOf('40012', '40012')).toBe('40012');
    expect(ruleIdOf('40012', undefined)).toBe('40012');
    expect(ruleIdOf('10055', '4')).toBe('10055-4');
  });

  it("reads ZAP's words for risk and confidence, and their codes as strings", () => {
    expect(['Informational', 'Low', 'Medium', 'High'].map((w) => codeOfWord(w, RISK_WORDS))).toEqual([0, 1, 2, 3]);
    expect(['False Positive', 'low', 'MEDIUM', 'High', 'Confirmed', '4'].map((w) => codeOfWord(w, CONFIDENCE_WORDS))).toEqual([0, 1, 2, 3, 4, 4]);
    expect(codeOfWord('Critical', RISK_WORDS)).toBeUndefined();
    expect(codeOfWord('7', RISK_WORDS)).toBeUndefined();
  });

  it('fingerprint URL: query values and fragment dropped, parameter names kept', () => {
    expect(stableUrl('https://a.test/search?q=1&sid=abc#top')).toBe('https://a.test/search?q&sid');
    expect(stableUrl('https://a.test/search?sid=zzz&q=2')).toBe('https://a.test/search?q&sid');
    expect(stableUrl('https://a.test/search')).not.toBe(stableUrl('https://a.test/other'));
  });

  it('drops user info (a credential) from URLs', () => {
    expect(withoutUserinfo('https://admin:hunter2@a.test/x?y=1')).toBe('https://a.test/x?y=1');
    expect(withoutUserinfo('https://a.test/x@y')).toBe('https://a.test/x@y');
    expect(uriReference('https://admin:hunter2@a.test/x')).toBe('https://a.test/x');
  });

  it('the response status of a -plus report, nothing else of its headers', () => {
    expect(statusOf('HTTP/1.1 404 Not Found\r\nSet-Cookie: s=1\r\n\r\n')).toBe('404');
    expect(statusOf('garbage')).toBeUndefined();
  });

  it('property: any string becomes a URI reference the SARIF schema accepts (through the builder\'s toArtifactUri)', () => {
    const validate = createSarifValidator();
    const logOf = (uri: string) =>
      ({ version: '2.1.0', runs: [{ tool: { driver: { name: 'ZAP', rules: [] } }, results: [{ ruleId: 'x', message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri } } }] }] }] }) as never;
    const urlish = fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true }).map((u) => `${u}%zz[1]#a#b<%=x%>`), fc.string({ unit: 'grapheme' }));
    fc.assert(
      fc.property(urlish, (s) => {
        const problems = validate(logOf(toArtifactUri(uriReference(s)))).filter((p) => p.path.includes('artifactLocation'));
        expect(problems).toEqual([]);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
