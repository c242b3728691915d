import { describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import { summarise } from '../../src/sarif/summary.js';
import { isFinding } from '../../src/sarif/props.js';

const result = (extra: Partial<Result>, severity = 'high'): Result => ({ ruleId: 'R', message: { text: 'm' }, locations: [], properties: { severity }, ...extra });

describe('summary counts', () => {
  it('counts failures and undecided results, not passed or not-applicable checks (SARIF result.kind)', () => {
    expect(['fail', undefined, 'open', 'review'].map((kind) => isFinding(result(kind ? { kind: kind as Result['kind'] } : {})))).toEqual([true, true, true, true]);
    expect(['pass', 'notApplicable', 'informational'].map((kind) => isFinding(result({ kind: kind as Result['kind'] })))).toEqual([false, false, false]);
    const log: Log = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'BinSkim' } }, results: [result({}), result({ kind: 'pass' }, 'info'), result({ kind: 'notApplicable' }, 'info'), result({ suppressions: [{ kind: 'inSource' }] })] }],
    };
    const s = summarise(log);
    expect(s.total).toEqual({ critical: 0, high: 1, medium: 0, low: 0, info: 0 });
    expect(s.suppressed).toBe(1);
    expect(s.distinctTotal).toBe(1);
  });

  it('a suppression under review or rejected does not hide a result (SARIF §3.35.3)', () => {
    const log: Log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: [result({ suppressions: [{ kind: 'external', status: 'underReview' }] }), result({ suppressions: [{ kind: 'external', status: 'rejected' }] }, 'low')] }] };
    expect(summarise(log).total).toMatchObject({ high: 1, low: 1 });
  });
});
