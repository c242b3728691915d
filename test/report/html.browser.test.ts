import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Log } from 'sarif';
import { renderHtml } from '../../src/report/html.js';
import { HOSTILE, hostileLog } from '../helpers/hostile.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`html.browser.test: skipped — ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it when running as root)`);

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;

describe.skipIf(!HAVE_CHROMIUM)('HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'secgate-html-'));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Open a report; record every request other than the file itself, console errors and dialogs. */
  async function open(html: string, name: string): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    return { page, requests, problems };
  }

  it('shows the verdict, the counts and the findings of the sample log, with no request leaving the page', async () => {
    const { page, requests, problems } = await open(renderHtml(sample()), 'sample.html');
    expect(await page.textContent('#verdict')).toBe('FAIL');
    expect(await page.textContent('#reasons')).toContain('fail_on[0]: severity ≥ high: 4 distinct findings with severity ≥ high (allowed: 0)');
    // Severity chart: the open findings of the sample (summary.total: 2 critical, 4 high, 1 medium, 1 low)
    const bars = await page.$$eval('#svg-severity text.count', (ns) => ns.map((n) => `${n.getAttribute('data-severity')}=${n.textContent}`));
    expect(bars).toEqual(['critical=2', 'high=4', 'medium=1', 'low=1', 'info=0']);
    // Tool table rows
    const grype = await page.$$eval('#tools-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
    expect(grype[1]).toEqual(['grype (grype-grype)', '1', '1', '1', '0', '0', '1']);
    expect(grype.at(-1)![0]).toBe('distinct');
    // 10 results: one waived and one fixed are hidden by default
    expect(await page.textContent('#shown')).toBe('8 of 10 findings shown');
    // A finding's details
    const first = page.locator('details.finding:not([hidden])').first();
    await first.locator('summary').click();
    const dl = await first.locator('dl').textContent();
    expect(dl).toContain('CVE-2022-37434');
    expect(dl).toContain('Fixed in1.2.12-r2');
    expect(dl).toContain('Packagezlib@1.2.12-r1');
    await page.screenshot({ path: join(tmpdir(), 'secgate-report-sample.png'), fullPage: true });
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by severity, tool, text, suppression and baseline state', async () => {
    const { page } = await open(renderHtml(sample()), 'filters.html');
    await page.uncheck('#f-sev-critical');
    expect(await page.textContent('#shown')).toBe('6 of 10 findings shown');
    await page.check('#f-sev-critical');
    await page.selectOption('#f-tool', 'grype');
    expect(await page.textContent('#shown')).toBe('3 of 10 findings shown');
    await page.selectOption('#f-tool', '');
    await page.fill('#f-text', 'LODASH');
    expect(await page.textContent('#shown')).toBe('2 of 10 findings shown');
    expect(await page.$$eval('details.finding:not([hidden]) .tool', (ns) => ns.map((n) => n.textContent).sort())).toEqual(['grype', 'trivy']);
    await page.fill('#f-text', '');
    await page.check('#f-suppressed');
    expect(await page.textContent('#shown')).toBe('9 of 10 findings shown');
    await page.selectOption('#f-state', 'fixed');
    expect(await page.$$eval('details.finding:not([hidden]) .rule', (ns) => ns.map((n) => n.textContent))).toEqual(['CVE-2020-8203']);
    await page.fill('#f-text', 'no such thing');
    expect(await page.isVisible('#no-match')).toBe(true);
    await page.close();
  });

  it('(the detector works) an injected external image is caught as a blocked load', async () => {
    const html = renderHtml(sample()).replace('<main>', '<main><img src="http://127.0.0.1:9/beacon.png" alt="">');
    const { page, requests, problems } = await open(html, 'detector.html');
    expect([...requests, ...problems].join('\n')).toMatch(/beacon\.png|Content Security Policy/);
    await page.close();
  });

  it('shows hostile findings as text: no script runs, no element is injected, nothing is fetched', async () => {
    const { page, requests, problems } = await open(renderHtml(hostileLog()), 'hostile.html');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('script', (s) => s.length)).toBe(2);
    expect(await page.$$eval('#findings img, #findings script, #findings a, #findings iframe', (n) => n.length)).toBe(0);
    expect(await page.$$eval('details.finding', (n) => n.length)).toBe(HOSTILE.length);
    await page.fill('#f-text', 'window.__pwned');
    const texts = await page.$$eval('details.finding:not([hidden]) .msg', (ns) => ns.map((n) => n.textContent));
    expect(texts).toContain('<script>window.__pwned=1</script>');
    expect(texts).toContain('<img src=x onerror="window.__pwned=1">');
    // bidi overrides are shown as escapes, not applied
    await page.fill('#f-text', 'access');
    expect(await page.textContent('details.finding:not([hidden]) .msg')).toBe('access\\u{202e}\\u{2066} // admin\\u{2069}\\u{2066}');
    await page.fill('#f-text', '');
    await page.screenshot({ path: join(tmpdir(), 'secgate-report-hostile.png') });
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
