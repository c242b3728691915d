import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log } from 'sarif';
import { renderHtml } from '../../src/report/html.js';
import { HTML_SCRIPT } from '../../src/report/html-script.js';
import { HTML_STYLE } from '../../src/report/html-style.js';
import { hostileLog } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;
const sha = (s: string) => createHash('sha256').update(s).digest('base64');

/** The embedded JSON, read back the way the page's script reads it. */
function embedded(html: string): { findings: { ruleId: string; message: string }[]; omitted: number } {
  const m = /<script type="application\/json" id="secgate-data">([\s\S]*?)<\/script>/.exec(html)!;
  return JSON.parse(m[1]!) as never;
}

describe('renderHtml (static checks; the browser test reads the rendered page)', () => {
  it('matches the golden file', async () => {
    await expect(renderHtml(sample())).toMatchFileSnapshot('__golden__/sample.html');
  });

  it('pins its one script and one style by hash and allows nothing else', () => {
    const html = renderHtml(sample());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${sha(HTML_SCRIPT)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha(HTML_STYLE)}'`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    // The CSP meta comes before any script or style
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    // No external resource of any kind
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(HTML_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|fetch\(|XMLHttpRequest/);
  });

  it('embeds every finding as JSON that cannot close its element', () => {
    const html = renderHtml(hostileLog());
    const scripts = html.match(/<script\b/g)!;
    expect(scripts).toHaveLength(2); // the data and the code, nothing injected
    const data = embedded(html);
    expect(data.findings.some((f) => f.message === '</script><script>window.__pwned=1</script>')).toBe(true);
    const m = /id="secgate-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(m).not.toMatch(/[<>]/);
  });

  it('caps the embedded findings and says how many were left out', () => {
    const data = embedded(renderHtml(hostileLog(), { maxFindings: 5 }));
    expect(data.findings).toHaveLength(5);
    expect(data.omitted).toBeGreaterThan(0);
  });

  it('the data element always parses back (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), value: fc.string({ unit: 'binary', maxLength: 80 }) }), { maxLength: 8 }), (strings) => {
        const html = renderHtml(hostileLog(strings));
        expect(html.match(/<script\b/g)).toHaveLength(2);
        expect(embedded(html).findings).toHaveLength(strings.length);
      }),
      { numRuns: fuzzRuns(40, { max: 2000 }) },
    );
  });
});
