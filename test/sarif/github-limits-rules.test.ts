import { describe, expect, it } from 'vitest';
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { GITHUB_LIMITS, fitGithubLimits } from '../../src/sarif/github-limits.js';

// GitHub's documented hard limit: "Rules per run 25,000" — over it the whole upload is rejected
// ("Analysis SARIF file rejected due to rule limits").
const manyRules = (n: number): ReportingDescriptor[] => Array.from({ length: n }, (_, i) => ({ id: `CVE-${i}`, shortDescription: { text: `rule ${i}` } }));
const res = (ruleId: string, extra: Partial<Result> = {}): Result => ({ ruleId, message: { text: ruleId }, ...extra });
const logOf = (run: Run): Log => ({ version: '2.1.0', runs: [run] });

describe('GitHub limit: 25,000 rules per run', () => {
  it('a split run: each part keeps only the rules its own results use, none over the limit, no result loses its rule', () => {
    const rules = manyRules(60_000);
    // 60,000 results, one rule each: unsplit every part would carry all 60,000 rules.
    const results = rules.map((r) => res(r.id));
    const input = logOf({ tool: { driver: { name: 'grype', rules } }, automationDetails: { id: 'grype-big/' }, results });
    const out = fitGithubLimits(input);
    expect(out.runs).toHaveLength(3);
    for (const part of out.runs) {
      const ids = new Set(part.tool.driver.rules!.map((r) => r.id));
      expect(ids.size).toBeLessThanOrEqual(GITHUB_LIMITS.rulesPerRun);
      expect(ids.size).toBe(part.results!.length);
      expect(part.results!.filter((r) => !ids.has(r.ruleId!))).toEqual([]);
    }
    // the rules keep their order and content
    expect(out.runs[1]!.tool.driver.rules![0]).toEqual(rules[25_000]);
    // pure
    expect(input.runs[0]!.tool.driver.rules).toHaveLength(60_000);
  });

  it('renumbers ruleIndex and rule.index to the kept rules, and keeps a hierarchical id\'s parent rule', () => {
    const rules = manyRules(30_000);
    const results = [
      res('CVE-29999', { ruleIndex: 29_999 }),
      { message: { text: 'by index only' }, rule: { index: 12 } } as Result,
      res('CVE-7/sub'),
      res('CVE-500', { ruleIndex: 500, rule: { id: 'CVE-500', index: 500 } }),
    ];
    const out = fitGithubLimits(logOf({ tool: { driver: { name: 'sarif-tool', rules } }, results })).runs[0]!;
    expect(out.tool.driver.rules!.map((r) => r.id)).toEqual(['CVE-7', 'CVE-12', 'CVE-500', 'CVE-29999']);
    expect(out.results![0]!.ruleIndex).toBe(3);
    expect(out.results![1]!.rule!.index).toBe(1);
    expect(out.results![3]).toMatchObject({ ruleIndex: 2, rule: { index: 2 } });
  });

  it('a rule index into a tool extension is left alone', () => {
    const rules = manyRules(25_001);
    const ext = { tool: { driver: { name: 'codeql', rules }, extensions: [{ name: 'pack', rules: [{ id: 'X' }] }] }, results: [{ message: { text: 'x' }, rule: { id: 'X', index: 0, toolComponent: { index: 0 } } } as Result] } as Run;
    const out = fitGithubLimits(logOf(ext)).runs[0]!;
    expect(out.results![0]!.rule).toEqual({ id: 'X', index: 0, toolComponent: { index: 0 } });
    expect(out.tool.extensions).toEqual(ext.tool.extensions);
    expect(out.tool.driver.rules).toEqual([]);
  });

  it('a run within the limit keeps every rule, used or not (same object)', () => {
    const run: Run = { tool: { driver: { name: 't', rules: manyRules(GITHUB_LIMITS.rulesPerRun) } }, results: [res('CVE-1')] };
    expect(fitGithubLimits(logOf(run)).runs[0]).toBe(run);
  });

  it('a result whose rule index does not change is the same object (not copied); one that changes is a copy, the input untouched', () => {
    const rules = manyRules(30_000);
    const kept = res('CVE-0', { ruleIndex: 0, rule: { id: 'CVE-0', index: 0 } });
    const moved = res('CVE-29999', { ruleIndex: 29_999 });
    const byIdOnly = res('CVE-5');
    const out = fitGithubLimits(logOf({ tool: { driver: { name: 't', rules } }, results: [kept, moved, byIdOnly] })).runs[0]!;
    expect(out.tool.driver.rules!.map((r) => r.id)).toEqual(['CVE-0', 'CVE-5', 'CVE-29999']);
    expect(out.results![0]).toBe(kept);
    expect(out.results![2]).toBe(byIdOnly);
    expect(out.results![1]).not.toBe(moved);
    expect(out.results![1]!.ruleIndex).toBe(2);
    expect(moved.ruleIndex).toBe(29_999);
  });
});
