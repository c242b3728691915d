import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Log, Result, Run } from 'sarif';
import { linesJsonChunks } from '../../src/io/json-chunks.js';
import { AUTO_LINES_ABOVE, resolveSarifLayout, sarifChunks, sarifJson, sarifReporter } from '../../src/report/sarif.js';
import { fitGithubLimits } from '../../src/sarif/github-limits.js';
import { fuzzRuns, NIGHTLY } from '../helpers/fuzz.js';
import { HAVE_MULTITOOL, MULTITOOL } from '../helpers/github-rules.js';
import { hostileLog, LIVE } from '../helpers/hostile.js';

const text = (log: Log, layout: 'pretty' | 'lines' | 'auto') => [...sarifChunks(log, layout)].join('');
/** Any character at all, lone surrogates, C1, bidi and line separators included. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const obj = fc.dictionary(anyString, json, { maxKeys: 5 });

const result = fc.record({ ruleId: anyString, message: fc.record({ text: anyString }), properties: obj }, { requiredKeys: ['message'] });
const rule = fc.record({ id: anyString, shortDescription: fc.record({ text: anyString }), properties: obj }, { requiredKeys: ['id'] });
const run = fc.record(
  {
    tool: fc.record({ driver: fc.record({ name: anyString, rules: fc.array(rule, { maxLength: 5 }) }, { requiredKeys: ['name'] }) }),
    results: fc.array(result, { maxLength: 8 }),
    artifacts: fc.array(fc.record({ location: fc.record({ uri: anyString }) }), { maxLength: 3 }),
    properties: obj,
  },
  { requiredKeys: ['tool'] },
);
const arbitraryLog = fc.record({ version: fc.constant('2.1.0'), runs: fc.array(run, { maxLength: 3 }) }).map((l) => l as unknown as Log);

/** The lines of `text` between the line that opens `"key": [` at `indent` and its closing "]". */
function elementLines(lines: string[], from: number, key: string, indent: string): { lines: string[]; end: number } {
  const open = lines.findIndex((l, i) => i >= from && l === `${indent}${JSON.stringify(key)}: [`);
  expect(open).toBeGreaterThanOrEqual(0);
  const close = lines.findIndex((l, i) => i > open && l.startsWith(`${indent}]`));
  return { lines: lines.slice(open + 1, close), end: close };
}

const parseLine = (line: string): unknown => JSON.parse(line.trim().replace(/,$/, ''));

describe('SARIF layouts', () => {
  it('pretty is JSON.stringify(log, null, 2) byte for byte, with the invisible characters escaped (for any log)', () => {
    fc.assert(
      fc.property(arbitraryLog, (log) => {
        expect(text(log, 'pretty')).toBe(sarifJson(log));
      }),
      { numRuns: fuzzRuns(200) },
    );
    // Nothing to escape: exactly JSON.stringify.
    const plain = { version: '2.1.0', runs: [{ tool: { driver: { name: 't', rules: [{ id: 'R' }] } }, results: [{ ruleId: 'R', message: { text: 'x' } }] }] } as Log;
    expect(text(plain, 'pretty')).toBe(`${JSON.stringify(plain, null, 2)}\n`);
  });

  it('lines is the same data as pretty (JSON.parse deep-equal), for any log', () => {
    fc.assert(
      fc.property(arbitraryLog, (log) => {
        expect(JSON.parse(text(log, 'lines'))).toEqual(JSON.parse(text(log, 'pretty')));
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('lines: every result, rule and artifact is exactly one line, whatever characters its strings hold', () => {
    fc.assert(
      fc.property(arbitraryLog, (log) => {
        const lines = text(log, 'lines').split(/\r\n|\r|\n|\u2028|\u2029|\u0085/);
        let from = 0;
        for (const r of log.runs) {
          const expectOneLineEach = (items: unknown[] | undefined, key: string, indent: string) => {
            if (items === undefined) return;
            if (!items.length) {
              expect(lines.some((l, i) => i >= from && l === `${indent}${JSON.stringify(key)}: []` + (l.endsWith(',') ? ',' : ''))).toBe(true);
              return;
            }
            const found = elementLines(lines, from, key, indent);
            expect(found.lines.map(parseLine)).toEqual(JSON.parse(JSON.stringify(items)));
          };
          expectOneLineEach(r.tool.driver.rules, 'rules', '          ');
          expectOneLineEach(r.artifacts, 'artifacts', '      ');
          expectOneLineEach(r.results, 'results', '      ');
          // The next run's arrays come after this run's.
          const next = lines.findIndex((l, i) => i > from && l === '    },');
          from = next < 0 ? lines.length : next;
        }
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('lines pretty-prints the rest of the log as pretty does', () => {
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't', rules: [{ id: 'R', properties: { tags: ['a'] } }] } }, results: [{ ruleId: 'R', message: { text: 'one' } }, { ruleId: 'R', message: { text: 'two' } }], properties: { summary: { total: 2 } } }] } as Log;
    expect(text(log, 'lines')).toBe(`{
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "t",
          "rules": [
            {"id":"R","properties":{"tags":["a"]}}
          ]
        }
      },
      "results": [
        {"ruleId":"R","message":{"text":"one"}},
        {"ruleId":"R","message":{"text":"two"}}
      ],
      "properties": {
        "summary": {
          "total": 2
        }
      }
    }
  ]
}
`);
  });

  it('lines escapes C1, bidi, zero-width and line separators as pretty does, and is smaller', () => {
    const log = hostileLog();
    const lines = text(log, 'lines');
    expect(lines).not.toMatch(LIVE.bidi);
    expect(lines).not.toMatch(LIVE.c1);
    expect(lines).not.toMatch(/[\u200b-\u200f\u2028\u2029\ufeff\r]/);
    expect(JSON.parse(lines)).toEqual(JSON.parse(JSON.stringify(log)));
    expect(lines.length).toBeLessThan(text(log, 'pretty').length);
  });

  it('lines writes a big log in ~1 MB pieces, not one per result nor one for the log', () => {
    const results: Result[] = Array.from({ length: 20_000 }, (_, i) => ({ ruleId: `R${i % 7}`, message: { text: `finding ${i} ${'x'.repeat(100)}` } }));
    const log = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results }] } as Log;
    const pieces = [...sarifChunks(log, 'lines')];
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.length).toBeLessThan(100);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2 << 20);
    expect(JSON.parse(pieces.join(''))).toEqual(log);
  });

  it(`auto is pretty up to ${AUTO_LINES_ABOVE} results in the log (all runs counted), lines above`, () => {
    const mk = (...sizes: number[]): Log => ({ version: '2.1.0', runs: sizes.map((n) => ({ tool: { driver: { name: 't' } }, results: Array.from({ length: n }, () => ({ message: { text: 'x' } })) })) });
    expect(resolveSarifLayout(mk(AUTO_LINES_ABOVE))).toBe('pretty');
    expect(resolveSarifLayout(mk(AUTO_LINES_ABOVE / 2, AUTO_LINES_ABOVE / 2))).toBe('pretty');
    expect(resolveSarifLayout(mk(AUTO_LINES_ABOVE / 2, AUTO_LINES_ABOVE / 2 + 1))).toBe('lines');
    expect(resolveSarifLayout({ version: '2.1.0', runs: [{ tool: { driver: { name: 't' } } }] })).toBe('pretty');
    expect(resolveSarifLayout(mk(AUTO_LINES_ABOVE + 1), 'pretty')).toBe('pretty');
    expect(resolveSarifLayout(mk(1), 'lines')).toBe('lines');
    const small = mk(3);
    expect(text(small, 'auto')).toBe(sarifJson(small));
    const big = mk(AUTO_LINES_ABOVE + 1);
    expect(text(big, 'auto')).toBe(text(big, 'lines'));
  });

  it('the sarif reporter honours the layout (render and chunks), auto by default', () => {
    const log = hostileLog();
    expect(sarifReporter.render(log, { color: false })).toBe(sarifJson(log));
    expect(sarifReporter.render(log, { color: false, sarifLayout: 'lines' })).toBe(text(log, 'lines'));
    expect([...sarifReporter.chunks!(log, { color: false, sarifLayout: 'lines' })].join('')).toBe(text(log, 'lines'));
    expect([...sarifReporter.chunks!(log, { color: false })].join('')).toBe(sarifJson(log));
  });
});

describe('linesJsonChunks (any JSON, any paths)', () => {
  it('parses to the same value as JSON.stringify, whatever the paths', () => {
    const path = fc.array(fc.constantFrom('*', 'a', 'b', 'results'), { maxLength: 4 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.array(path, { maxLength: 3 }), (v, paths) => {
        expect(JSON.parse([...linesJsonChunks(v, paths)].join(''))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('with no paths it is JSON.stringify(v, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect([...linesJsonChunks(v, [])].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('writes undefined, functions and symbols in a line array as null, like JSON.stringify', () => {
    const v = { a: [undefined, () => 1, Symbol('s'), 1, { toJSON: () => 'j' }], b: undefined };
    expect(JSON.parse([...linesJsonChunks(v, [['a']])].join(''))).toEqual(JSON.parse(JSON.stringify(v)));
  });
});

/** sarif-multitool validate --rule-kind "Sarif;Gh" on the file as written (not re-serialised). */
function githubRuleProblemsOfText(sarifText: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-gh-layout-'));
  try {
    const input = join(dir, 'input.sarif');
    const report = join(dir, 'validation.sarif');
    writeFileSync(input, sarifText);
    // The default size cap (a few MB) would skip a log of 25,001 results: no target, exit 1.
    const args = ['validate', '--rule-kind', 'Sarif;Gh', '--max-file-size-in-kb', '1048576', '-o', report, input];
    try {
      execFileSync('unshare', ['-n', MULTITOOL, ...args], { stdio: 'pipe', timeout: 60_000 });
    } catch {
      rmSync(report, { force: true });
      execFileSync(MULTITOOL, args, { stdio: 'pipe', timeout: 120_000 });
    }
    const findings = (JSON.parse(readFileSync(report, 'utf8')) as Log).runs.flatMap((r) => r.results ?? []);
    return findings.filter((r) => r.level === 'error' || r.ruleId?.startsWith('GH')).map((r) => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GitHub upload rules (sarif-multitool) on the files as written', () => {
  const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;

  it.skipIf(!HAVE_MULTITOOL)('both layouts of a fitted log pass (Sarif;Gh)', () => {
    const log = fitGithubLimits(sample());
    expect(githubRuleProblemsOfText(text(log, 'lines'))).toEqual([]);
    expect(githubRuleProblemsOfText(text(log, 'pretty'))).toEqual([]);
  }, 240_000);

  // Minutes of multitool on a 25 MB log: nightly (npm run fuzz) only.
  it.skipIf(!HAVE_MULTITOOL || !NIGHTLY)('a split run of 25,001+ results in the lines layout passes', () => {
    const base = sample();
    const r0 = base.runs[0]! as Run;
    const template = r0.results![0]!;
    const results = Array.from({ length: 25_001 }, (_, i) => ({ ...template, partialFingerprints: { 'secgate/v1': `fp${i}` } }));
    const log = fitGithubLimits({ ...base, runs: [{ ...r0, results }] });
    expect(log.runs).toHaveLength(2);
    expect(githubRuleProblemsOfText(text(log, 'auto'))).toEqual([]);
  }, 240_000);
});
