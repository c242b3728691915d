import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUri, isUriReference, toArtifactUri } from '../../src/sarif/uri.js';

describe('toArtifactUri keeps to the URI grammar GitHub and the SARIF schema check', () => {
  it('encodes a colon in a relative path, so the first segment never reads as a scheme (SARIF1002)', () => {
    const uri = toArtifactUri('packages/openssh-server@1:8.9p1');
    expect(uri).toBe('packages/openssh-server@1%3A8.9p1');
    expect(toArtifactUri('openssh-server@1:8.9p1')).not.toMatch(/^[^/]*:/);
  });

  it('repairs what the URL serialiser leaves: a stray %, brackets in the path, a second #', () => {
    const uri = toArtifactUri('https://example.test/templates/<%=x%>/a[1]?q=50%#frag#more');
    expect(isUri(uri)).toBe(true);
    expect(uri).toContain('%25');
    expect(uri).toContain('%5B1%5D');
    expect(uri.endsWith('#frag%23more')).toBe(true);
  });

  it('leaves valid escapes and IPv6 hosts alone', () => {
    expect(toArtifactUri('https://[::1]:8080/a%20b')).toBe('https://[::1]:8080/a%20b');
  });

  it('any path or URL becomes a valid URI reference (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `https://h.test/${s}`), fc.string().map((s) => `/usr/${s}:${s}`)), (p) => {
        expect(isUriReference(toArtifactUri(p))).toBe(true);
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    );
  });
});

describe('DAST correlation ignores volatile query values', () => {
  it('the same alert on the same URL with other cache-busters or session ids is one issue', async () => {
    const { correlate } = await import('../../src/sarif/correlate.js');
    const result = (url: string) => ({ ruleId: '10038', message: { text: 'CSP header not set' }, properties: { url, method: 'GET', param: '' } });
    const log = { version: '2.1.0' as const, runs: [{ tool: { driver: { name: 'ZAP' } }, results: [result('https://a.test/p?sid=1&_=111'), result('https://a.test/p?_=222&sid=9')] }, { tool: { driver: { name: 'ZAP' } }, results: [result('https://a.test/other?sid=1')] }] };
    correlate(log);
    const [a, b] = log.runs[0]!.results as { correlationGuid?: string }[];
    const [c] = log.runs[1]!.results as { correlationGuid?: string }[];
    expect(a!.correlationGuid).toBe(b!.correlationGuid);
    expect(c!.correlationGuid).not.toBe(a!.correlationGuid);
  });
});
