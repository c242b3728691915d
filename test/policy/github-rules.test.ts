import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { gate } from '../../src/pipeline.js';
import { toBaselineLog } from '../../src/policy/baseline.js';
import { parseVex } from '../../src/policy/vex.js';
import { fitGithubLimits } from '../../src/sarif/github-limits.js';
import { HAVE_MULTITOOL, githubRuleProblems } from '../helpers/github-rules.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { codeRun, config, NOW, vulnRun } from './build.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'policy');

/** What the policy stages add (waiver and VEX suppressions, baselineState, absent results) must still upload. */
describe.skipIf(!HAVE_MULTITOOL)(`a log with waivers, VEX and a baseline against GitHub's upload rules${HAVE_MULTITOOL ? '' : ' (skipped: sarif-multitool not installed)'}`, () => {
  it('is schema-valid and breaks no GH rule', () => {
    const before = [vulnRun('grype', 'sca', [{ id: 'CVE-2022-0001', pkg: 'lodash', version: '4.17.20', severity: 'high' }, { id: 'CVE-2020-9', pkg: 'gone', version: '1.0.0', severity: 'high' }]), codeRun('Semgrep OSS', [{ rule: 'js.eval', file: 'src/a.js', line: 3, severity: 'high' }])];
    const base = toBaselineLog(gate({ runs: before, config: config(''), now: NOW }).log);
    const after = [
      vulnRun('grype', 'sca', [
        { id: 'CVE-2022-0001', pkg: 'lodash', version: '4.17.20', severity: 'high' },
        { id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], pkg: 'log4j-core', namespace: 'org.apache.logging.log4j', type: 'maven', version: '2.14.1', severity: 'critical' },
      ]),
      codeRun('Semgrep OSS', [{ rule: 'js.eval', file: 'src/a.js', line: 3, severity: 'high' }, { rule: 'js.eval', file: 'src/b.js', line: 7, severity: 'high' }]),
    ];
    const vex = [{ file: 'app.openvex.json', ...parseVex(JSON.parse(readFileSync(join(FIX, 'app.openvex.json'), 'utf8')), 'app.openvex.json') }];
    const { log } = gate({ runs: after, config: config('waivers:\n  - { path: "src/b.js", reason: "generated code", expires: 2027-01-01, owner: web }\n'), now: NOW, vex, baseline: { log: base, label: 'base.sarif' } });
    const out: Log = fitGithubLimits(log);
    const all = out.runs.flatMap((r) => r.results ?? []);
    // src/b.js by the waiver; log4j (not_affected) and lodash (fixed) by the VEX document
    expect(all.filter((r) => r.suppressions?.length)).toHaveLength(3);
    expect(all.filter((r) => r.baselineState === 'absent')).toHaveLength(1);
    expect(sarifProblems(out)).toEqual([]);
    expect(githubRuleProblems(out)).toEqual([]);
  });
});
