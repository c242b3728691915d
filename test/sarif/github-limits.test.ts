import { describe, expect, it } from 'vitest';
import type { Log, Result, Run } from 'sarif';
import { GITHUB_LIMITS, fitGithubLimits, githubUploadWarning } from '../../src/sarif/github-limits.js';

const result = (i: number): Result => ({ ruleId: 'R', message: { text: `r${i}` }, locations: [{ physicalLocation: { artifactLocation: { uri: `f${i}` } } }] });
const run = (name: string, n: number, id = `${name}/`): Run => ({ tool: { driver: { name, rules: [{ id: 'R' }] } }, automationDetails: { id }, results: Array.from({ length: n }, (_, i) => result(i)) });
const log = (...runs: Run[]): Log => ({ version: '2.1.0', runs });

describe("GitHub code scanning's upload limits", () => {
  it('leaves a log within the limits as it is', () => {
    const input = log(run('grype', GITHUB_LIMITS.resultsPerRun));
    expect(fitGithubLimits(input).runs).toHaveLength(1);
  });

  it('splits a run over 25,000 results into parts, each its own category, losing none', () => {
    const input = log(run('trivy', 60_001, 'trivy-image/'));
    const out = fitGithubLimits(input);
    expect(out.runs.map((r) => [r.automationDetails!.id, r.results!.length])).toEqual([
      ['trivy-image-part1/', 25_000],
      ['trivy-image-part2/', 25_000],
      ['trivy-image-part3/', 10_001],
    ]);
    expect(out.runs.flatMap((r) => r.results!).map((r) => r.message.text)).toEqual(input.runs[0]!.results!.map((r) => r.message.text));
    // every part keeps the tool and its rules
    for (const r of out.runs) expect(r.tool.driver.rules).toEqual([{ id: 'R' }]);
    // pure: the input is untouched
    expect(input.runs).toHaveLength(1);
    expect(input.runs[0]!.results).toHaveLength(60_001);
  });

  it('more than 20 runs: the log is kept whole and one warning line says what to do (the verdict is not about upload limits)', () => {
    const input = log(...Array.from({ length: 21 }, (_, i) => run(`tool${i}`, 1)));
    const out = fitGithubLimits(input);
    expect(out.runs).toHaveLength(21);
    const line = githubUploadWarning(out, 'secgate.sarif')!;
    expect(line).toMatch(/secgate\.sarif holds 21 runs; GitHub code scanning accepts at most 20/);
    expect(line).toMatch(/upload the reports in several steps/);
    expect(line.split('\n')).toHaveLength(1);
    expect(githubUploadWarning(fitGithubLimits(log(run('one', 1))), 'x.sarif')).toBeUndefined();
  });

  it('splitting that pushes the log past 20 runs warns too', () => {
    const input = log(...Array.from({ length: 19 }, (_, i) => run(`tool${i}`, 1)), run('big', 25_001));
    expect(githubUploadWarning(fitGithubLimits(input), 'a.sarif')).toMatch(/21 runs/);
  });

  it('cuts a rule to 20 tags and a result to 1,000 locations, and leaves the input untouched', () => {
    const big = run('semgrep', 2);
    big.tool.driver.rules = [{ id: 'R', properties: { tags: Array.from({ length: 30 }, (_, i) => `t${i}`) } }];
    big.results![0]!.locations = Array.from({ length: 1_200 }, (_, i) => ({ physicalLocation: { artifactLocation: { uri: `f${i}` } } }));
    const out = fitGithubLimits(log(big)).runs[0]!;
    expect(out.tool.driver.rules![0]!.properties!.tags).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
    expect(out.results![0]!.locations).toHaveLength(1_000);
    expect(out.results![1]).toBe(big.results![1]);
    expect(big.tool.driver.rules![0]!.properties!.tags).toHaveLength(30);
    expect(big.results![0]!.locations).toHaveLength(1_200);
  });
});
