import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Run } from 'sarif';
import { mergeRuns } from '../../src/sarif/merge.js';
import { parseReport } from '../../src/io/read-report.js';
import { gate } from '../../src/pipeline.js';
import { defaultConfig } from '../../src/config/load.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const REPORTS = ['grype.json', 'trivy.json', 'semgrep.sarif', 'variants/trivy-k8s-all.json', 'variants/codeql-javascript.sarif', 'variants/gitleaks.sarif', 'variants/merged-multirun.sarif', 'variants/grype-legacy-dir.json'];

const runsOf = (rel: string): Run[] => parseReport({ path: rel }, readFileSync(join(FIXTURES, rel), 'utf8'), { unknownSeverity: 'medium' }).runs;
const bare = (name: string, id?: string): Run => ({ tool: { driver: { name } }, ...(id ? { automationDetails: { id } } : {}), results: [] });

describe('merge', () => {
  it('sorts runs by tool, then category', () => {
    const log = mergeRuns([bare('trivy', 'b/'), bare('grype', 'z/'), bare('trivy', 'a/'), bare('Semgrep OSS', 'x/')]);
    expect(log.runs.map((r) => `${r.tool.driver.name} ${r.automationDetails!.id}`)).toEqual(['Semgrep OSS x/', 'grype z/', 'trivy a/', 'trivy b/']);
    expect(log.version).toBe('2.1.0');
  });

  it('never leaves two runs with the same tool and category (GitHub rejects that upload)', () => {
    const log = mergeRuns([bare('trivy', 'trivy-scan/'), bare('trivy', 'trivy-scan/'), bare('trivy'), bare('trivy'), bare('grype', 'trivy-scan/')]);
    const keys = log.runs.map((r) => `${r.tool.driver.name}|${r.automationDetails!.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(log.runs.filter((r) => r.tool.driver.name === 'grype')[0]!.automationDetails!.id).toBe('trivy-scan/');
  });

  it('the same report read twice becomes two runs with distinct categories, valid', () => {
    const log = mergeRuns([...runsOf('grype.json'), ...runsOf('grype.json')]);
    expect(log.runs.map((r) => r.automationDetails!.id)).toEqual(['grype-grype/', 'grype-grype-2/']);
    expect(sarifProblems(log)).toEqual([]);
  });
});

describe('two reports with the same file name in different folders', () => {
  it('get distinct categories, assigned the same way whatever the order they are named in', () => {
    const text = readFileSync(join(FIXTURES, 'grype.json'), 'utf8');
    const a = () => parseReport({ path: 'services/api/grype.json' }, text, { unknownSeverity: 'medium' }).runs;
    const b = () => parseReport({ path: 'services/web/grype.json' }, text, { unknownSeverity: 'medium' }).runs;
    const ids = (runs: Run[]) => mergeRuns(runs).runs.map((r) => `${String((r.properties?.['source'] as { file: string }).file)} ${r.automationDetails!.id}`);
    expect(ids([...a(), ...b()])).toEqual(['services/api/grype.json grype-grype/', 'services/web/grype.json grype-grype-2/']);
    expect(ids([...b(), ...a()])).toEqual(ids([...a(), ...b()]));
  });
});

describe('determinism', () => {
  const render = (order: string[]) => {
    const { log } = gate({ runs: order.flatMap(runsOf), config: defaultConfig(), now: new Date('2026-11-23T12:00:00Z') });
    return JSON.stringify(log, null, 2);
  };

  it('the same inputs in any order give a byte-identical log', () => {
    const reference = render(REPORTS);
    expect(sarifProblems(JSON.parse(reference))).toEqual([]);
    fc.assert(fc.property(fc.shuffledSubarray(REPORTS, { minLength: REPORTS.length, maxLength: REPORTS.length }), (order) => {
      expect(render(order)).toBe(reference);
    }), { numRuns: fuzzRuns(15, { max: 1000 }) });
  });

  it('holds no timestamp or absolute path of the machine it ran on', () => {
    const out = render(REPORTS);
    expect(out).not.toContain(FIXTURES);
    // The injected clock never reaches the log (expiry checks read it; the output does not).
    expect(out).not.toContain('2026-11-23T12:00:00');
  });
});
