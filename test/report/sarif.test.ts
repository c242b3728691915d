import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { sarifReporter } from '../../src/report/sarif.js';
import { HAVE_MULTITOOL, githubRuleProblems } from '../helpers/github-rules.js';
import { hostileLog, LIVE } from '../helpers/hostile.js';
import { sarifProblems } from '../helpers/sarif-schema.js';

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;

describe('sarif report', () => {
  it('is the log itself: valid SARIF 2.1.0 that round-trips', () => {
    const text = sarifReporter.render(sample(), { color: false });
    expect(JSON.parse(text)).toEqual(sample());
    expect(sarifProblems(JSON.parse(text) as Log)).toEqual([]);
  });

  it.skipIf(!HAVE_MULTITOOL)('passes GitHub code scanning\'s upload rules (sarif-multitool)', () => {
    expect(githubRuleProblems(JSON.parse(sarifReporter.render(sample(), { color: false })) as Log)).toEqual([]);
  }, 120_000);

  it('writes invisible and direction-changing characters as escapes, same data', () => {
    const log = hostileLog();
    const text = sarifReporter.render(log, { color: false });
    expect(text).not.toMatch(LIVE.bidi);
    expect(text).not.toMatch(LIVE.c1);
    expect(text).not.toMatch(/[\u200b-\u200f\u2028\u2029\ufeff]/);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(log)));
  });
});
