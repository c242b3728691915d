import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import type { Log } from 'sarif';
import { codeQualityReporter, renderCodeQuality, type CodeQualityIssue } from '../../src/report/codequality.js';
import { HOSTILE, LIVE, hostileLog } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(new URL('schemas/codequality.schema.json', import.meta.url), 'utf8')) as object);

function problems(issues: unknown): string[] {
  const out = validate(issues) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  const fps = (issues as CodeQualityIssue[]).map((i) => i.fingerprint);
  if (new Set(fps).size !== fps.length) out.push('fingerprints are not unique');
  return out;
}

describe('renderCodeQuality', () => {
  it('matches the golden file and GitLab\'s schema', async () => {
    const text = codeQualityReporter.render(sample(), { color: false });
    await expect(text).toMatchFileSnapshot('__golden__/sample.codequality.json');
    expect(problems(JSON.parse(text))).toEqual([]);
  });

  it('lists open findings only, with severities mapped in order', () => {
    const issues = renderCodeQuality(sample());
    // 10 results: one waived, one fixed (absent) → 8 issues
    expect(issues).toHaveLength(8);
    expect(issues.some((i) => i.check_name.includes('CVE-2023-0464') || i.check_name.includes('CVE-2020-8203'))).toBe(false);
    const bySev = (s: string) => issues.filter((i) => i.severity === s).length;
    // summary.total of the sample: critical 2, high 4, medium 1, low 1
    expect([bySev('blocker'), bySev('critical'), bySev('major'), bySev('minor'), bySev('info')]).toEqual([2, 4, 1, 1, 0]);
    const sql = issues.find((i) => i.check_name === 'Semgrep OSS/javascript.express.security.injection.tainted-sql-string')!;
    expect(sql.location).toEqual({ path: 'src/routes/orders.js', lines: { begin: 42 } });
    const zlib = issues.find((i) => i.check_name === 'grype/CVE-2022-37434')!;
    expect(zlib.location.lines.begin).toBe(1); // no line: GitLab still needs one
    expect(zlib.description).toContain('fixed in 1.2.12-r2');
    expect(renderCodeQuality(sample()).find((i) => i.check_name === 'grype/CVE-2023-5363')!.description).toMatch(/3\.0\.12-r0/);
  });

  it('keeps fingerprints stable across line moves and unique within a report', () => {
    const a = renderCodeQuality(sample());
    const moved = sample();
    const r = moved.runs[0]!.results![0]!;
    r.locations![0]!.physicalLocation!.region!.startLine = 99;
    expect(renderCodeQuality(moved).map((i) => i.fingerprint)).toEqual(a.map((i) => i.fingerprint));
    const dup = sample();
    dup.runs[0]!.results!.push(structuredClone(dup.runs[0]!.results![0]!));
    expect(problems(renderCodeQuality(dup))).toEqual([]);
  });

  it('hostile text stays one plain line in every field', () => {
    const issues = renderCodeQuality(hostileLog());
    expect(problems(issues)).toEqual([]);
    expect(issues).toHaveLength(HOSTILE.length);
    for (const i of issues) {
      for (const s of [i.description, i.check_name, i.location.path, i.engine_name]) {
        expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(s).not.toMatch(LIVE.bidi);
        expect(s).not.toMatch(LIVE.loneSurrogate);
        expect(s.length).toBeLessThanOrEqual(1000);
      }
    }
  });

  it('is always schema-valid (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), value: fc.string({ unit: 'binary', maxLength: 100 }) }), { maxLength: 10 }), (strings) => {
        expect(problems(renderCodeQuality(hostileLog(strings)))).toEqual([]);
      }),
      { numRuns: fuzzRuns(50, { max: 2000 }) },
    );
  });
});
