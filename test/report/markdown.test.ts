import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log } from 'sarif';
import { GITHUB_COMMENT_MAX_CHARS, renderMarkdown } from '../../src/report/markdown.js';
import { HOSTILE, LIVE, hostileLog } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;
const NOW = new Date('2026-11-23T12:00:00Z');

describe('renderMarkdown', () => {
  it('matches the golden summary of the sample log', async () => {
    await expect(renderMarkdown(sample(), { maxChars: GITHUB_COMMENT_MAX_CHARS, now: NOW })).toMatchFileSnapshot('__golden__/sample.md');
  });

  it('puts the verdict first, then the table, the violated rule and its findings', () => {
    const md = renderMarkdown(sample(), { maxChars: GITHUB_COMMENT_MAX_CHARS, now: NOW });
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ secgate: FAIL — 1 policy rule violated');
    expect(md.indexOf('| tool |')).toBeLessThan(md.indexOf('### ❌ fail\\_on\\[0\\]'));
    // The four findings of the reason, most severe first, with the fix version
    expect(md).toMatch(/\| critical \| `CVE-2022-37434` .* \| `zlib@1\.2\.12-r1` \| .* \| `1\.2\.12-r2` \| trivy \|/);
    expect(md).toContain('`src/routes/orders.js:42`');
  });

  it('reports new, fixed and baseline counts from baselineState', () => {
    const md = renderMarkdown(sample(), { maxChars: GITHUB_COMMENT_MAX_CHARS, now: NOW });
    const log = sample();
    const states = log.runs.flatMap((r) => r.results ?? []).map((r) => r.baselineState);
    const n = (s: string) => states.filter((x) => x === s).length;
    expect(md).toContain(`🆕 **${n('new')}** new · ${n('updated')} updated · ${n('unchanged')} unchanged · ✔️ **${n('absent')}** fixed`);
    expect(md).toMatch(/Fixed:\n\n\| severity .*\n.*\n\| high \| `CVE-2020-8203`/);
  });

  it("lists the gate's waivers that are about to expire, not the others", () => {
    const md = renderMarkdown(sample(), { maxChars: GITHUB_COMMENT_MAX_CHARS, now: NOW });
    expect(md).toContain('| 2026\\-12\\-01 (8 days) | `waivers[0]` | CVE\\-2023\\-0464 in pkg\\:apk\\/alpine\\/libcrypto3 | 1 |');
    expect(md).not.toContain('waivers[1]'); // active until next year
  });

  it('without the verdict\'s waiver account, lists dated suppressions due within 30 days', () => {
    const log = sample();
    delete (log.properties!['secgate'] as { verdict: { waivers?: unknown } }).verdict.waivers;
    const md = renderMarkdown(log, { maxChars: GITHUB_COMMENT_MAX_CHARS, now: NOW });
    // expires 2026-12-01 (through the end of that day, UTC), now 2026-11-23 12:00 → 8 whole days left
    expect(md).toMatch(/\| 2026\\-12\\-01 \(8 days\) \| `CVE-2023-0464` `libcrypto3@3\.0\.8-r0` \|/);
    expect(md).toContain('SEC\\-42');
    expect(renderMarkdown(log, { maxChars: GITHUB_COMMENT_MAX_CHARS, now: new Date('2026-01-01T00:00:00Z') })).not.toContain('Waivers');
  });

  it('renders a log without a verdict (someone else\'s SARIF)', () => {
    const log = sample();
    delete log.properties;
    const md = renderMarkdown(log, { maxChars: GITHUB_COMMENT_MAX_CHARS });
    expect(md.split('\n')[0]).toBe('## ❔ secgate: no verdict in this log');
    expect(md).toContain('### Top findings');
    // fixed (absent) and waived findings are not "top findings"
    const top = md.slice(md.indexOf('### Top findings'), md.indexOf('### Against'));
    expect(top).not.toContain('CVE-2020-8203');
    expect(top).not.toContain('CVE-2023-0464');
  });

  it('an error verdict says no verdict was possible and marks the failed scanner', () => {
    const log = sample();
    const v = (log.properties!['secgate'] as { verdict: { status: string; reasons: unknown[]; summary: { tools: { succeeded: boolean }[] } } }).verdict;
    v.status = 'error';
    v.reasons = [{ code: 'scanner-failed', message: 'trivy (trivy-trivy) failed: exit status 1' }];
    v.summary.tools[2]!.succeeded = false;
    const md = renderMarkdown(log, { maxChars: GITHUB_COMMENT_MAX_CHARS });
    expect(md.split('\n')[0]).toBe('## ⛔ secgate: ERROR — no verdict possible');
    expect(md).toContain('| `trivy` `trivy-trivy` **(FAILED)** |');
    expect(md).toContain('### ⛔ scanner\\-failed');
  });

  it('escapes the title', () => {
    expect(renderMarkdown(sample(), { maxChars: 10_000, title: '<b>@x</b>' }).split('\n')[0]).toContain('\\<b\\>\\@&#8203;x\\<\\/b\\>');
  });

  it('truncates with a note, never beyond maxChars (in bytes and characters)', () => {
    const big = hostileLog(Array.from({ length: 400 }, (_, i) => ({ name: `${i}`, value: `finding ${i} ${'x'.repeat(300)} 😀` })));
    big.properties = undefined;
    for (const max of [65_536, 4000, 700, 50, 0]) {
      const md = renderMarkdown(big, { maxChars: max, detailsLimit: 400 });
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max);
      if (max >= 700) expect(md).toMatch(/Truncated to stay under \d+ characters: \d+ more lines? not shown/);
      if (max >= 700) expect(md.startsWith('## ❔ secgate')).toBe(true);
    }
  });

  it('never lets hostile text reach the markdown live', () => {
    const md = renderMarkdown(hostileLog(), { maxChars: 1024 * 1024, detailsLimit: 100 });
    expect(md).not.toMatch(LIVE.esc);
    expect(md).not.toMatch(LIVE.bidi);
    expect(md).not.toMatch(LIVE.nul);
    expect(md).not.toMatch(LIVE.loneSurrogate);
    expect(md).not.toMatch(LIVE.workflowCommandAtLineStart);
    // Outside code spans (where nothing is interpreted) and backslash escapes, no live syntax is left.
    const prose = md.replace(/(?<!\\)(`+)[\s\S]*?(?<!`)\1(?!`)/g, '').replace(/\\[\s\S]/g, '').replace(/&#8203;/g, '');
    expect(prose).not.toMatch(/<(?!\/?sub>)/); // the only HTML is our own <sub>
    expect(prose).not.toMatch(/[[\]]/); // no link or image syntax
    expect(prose).not.toMatch(/@\w|#\d|\bGH-\d/); // mentions and references broken by the zero-width space
    expect(prose).not.toMatch(/https?:\/\/|www\./); // no autolinks
    expect(prose).not.toMatch(/&(?!#8203;)/); // no entity of theirs
    // …and every table row keeps its column count (no pipe broke out)
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) {
      const cells = row.replace(/\\\|/g, '').split('|').length;
      expect([6, 8, 9]).toContain(cells);
    }
    expect(md.length).toBeLessThan(200_000); // the 1 MB line was clipped, not pasted
    for (const h of HOSTILE.slice(0, 3)) expect(md).not.toContain(`\n${h.value}`);
  });

  it('is total: any log-shaped input gives markdown within the limit (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), value: fc.string({ unit: 'binary', maxLength: 200 }) }), { maxLength: 20 }), fc.integer({ min: 0, max: 20_000 }), (strings, max) => {
        const md = renderMarkdown(hostileLog(strings), { maxChars: max });
        expect(Buffer.byteLength(md)).toBeLessThanOrEqual(max);
      }),
      { numRuns: fuzzRuns(40, { max: 2000 }) },
    );
  });
});
