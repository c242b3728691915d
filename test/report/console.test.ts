import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Log } from 'sarif';
import { renderConsole } from '../../src/report/console.js';
import { LIVE, hostileLog } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;

describe('renderConsole', () => {
  it('matches the golden screen for the sample log (plain)', async () => {
    await expect(renderConsole(sample(), { color: false })).toMatchFileSnapshot('__golden__/sample.console.txt');
  });

  it('shows the table, the verdict, the reason\'s findings with location and fix, and the baseline', () => {
    const out = renderConsole(sample(), { color: false });
    expect(out).toMatch(/^grype +1 +1 +1 +0 +0 +1$/m);
    expect(out).toMatch(/^distinct +1 +3 +1 +1 +0/m);
    expect(out).toContain('FAIL — 1 policy rule violated');
    expect(out).toContain('critical CVE-2022-37434 zlib@1.2.12-r1 [trivy] example/shop-api:1.4.2 (alpine 3.16.0) → fix: 1.2.12-r2');
    expect(out).toContain('against the baseline (baseline previous/secgate.sarif): 3 new · 2 updated · 4 unchanged · 1 fixed');
  });

  it('colours only when asked', () => {
    expect(renderConsole(sample(), { color: false })).not.toMatch(/\u001b/);
    expect(renderConsole(sample(), { color: true })).toMatch(/\u001b\[31m/);
  });

  it('quiet is the verdict line only', () => {
    expect(renderConsole(sample(), { color: false, quiet: true })).toBe('FAIL — 1 policy rule violated\n');
  });

  it('without a verdict, lists the worst open findings (not waived, not fixed)', () => {
    const log = sample();
    delete log.properties;
    const out = renderConsole(log, { color: false });
    expect(out).toContain('no verdict in this log (6 distinct issues)');
    expect(out).toContain('top findings (5 of 8):');
    const top = out.slice(out.indexOf('top findings'));
    expect(top.split('\n')[1]).toMatch(/^ +critical CVE-2022-37434/);
    expect(top).not.toContain('CVE-2023-0464');
    expect(top).not.toContain('CVE-2020-8203');
  });

  it('never emits a control sequence from the data, with or without colour (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), value: fc.string({ unit: 'binary', maxLength: 100 }) }), { maxLength: 8 }), fc.boolean(), (strings, color) => {
        const out = renderConsole(hostileLog(strings), { color });
        const withoutSgr = out.replace(/\u001b\[[0-9;]*m/g, '');
        expect(withoutSgr).not.toMatch(LIVE.esc);
        expect(withoutSgr).not.toMatch(LIVE.c1);
        expect(withoutSgr).not.toMatch(LIVE.bidi);
        expect(withoutSgr).not.toMatch(LIVE.loneSurrogate);
      }),
      { numRuns: fuzzRuns(40, { max: 2000 }) },
    );
  });
});
