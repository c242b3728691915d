import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPlainPath } from '../../../src/scanners/sarif/sarif.js';
import { isUriReference } from '../../../src/sarif/uri.js';
import { parseReport } from '../../../src/io/read-report.js';
import { redactDeep } from '../../../src/runners/redact.js';
import fc from 'fast-check';
import { fuzzRuns } from '../../helpers/fuzz.js';
import { runCli } from '../../helpers/cli.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../../helpers/corpus.js';

// SARIF past SECGATE_STREAM_ABOVE is streamed (src/io/json-large.ts): runs read member by member,
// each run's results one by one. Forced here with SECGATE_STREAM_ABOVE=0 on small logs.
const REPORTS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');
const FIXTURES = ['semgrep.sarif', 'zap-sarif.sarif', 'variants/codeql-javascript.sarif', 'variants/gitleaks.sarif', 'variants/merged-multirun.sarif'].map((f) => join(REPORTS, f));

const check = async (report: string, cwd: string, out: string, streamed: boolean) =>
  runCli(['check', report, '-q', '--sarif', out], { cwd, env: { NO_COLOR: '1', ...(streamed ? { SECGATE_STREAM_ABOVE: '0' } : {}) } });

const both = async (report: string) => {
  const cwd = mkdtempSync(join(tmpdir(), 'secgate-sarif-stream-'));
  const whole = await check(report, cwd, 'whole.sarif', false);
  const streamed = await check(report, cwd, 'streamed.sarif', true);
  expect(streamed.code, report).toBe(whole.code);
  expect(streamed.stdout, report).toBe(whole.stdout);
  expect(streamed.stderr, report).toBe(whole.stderr);
  if (whole.code !== 2) expect(readFileSync(join(cwd, 'streamed.sarif'), 'utf8'), report).toBe(readFileSync(join(cwd, 'whole.sarif'), 'utf8'));
};

describe('secgate check: a streamed SARIF log gives the same log as one read whole', () => {
  it('on the SARIF fixtures (one run, several runs, CodeQL extensions, secrets)', async () => {
    for (const f of FIXTURES) await both(f);
  }, 60_000);

  it.skipIf(!HAVE_CORPUS)(`on every recorded SARIF log${HAVE_CORPUS ? '' : ` (${NO_CORPUS_REASON})`}`, async () => {
    const files = corpusFiles('sarif', (f) => f.endsWith('.sarif') || f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const [, path] of files) await both(path);
  }, 60_000);

  it('a result of the wrong shape is the same exit 2 and one line, at its own path, streamed or not', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-sarif-bad-'));
    const log = JSON.parse(readFileSync(FIXTURES[0]!, 'utf8')) as { runs: { results: unknown[] }[] };
    log.runs[0]!.results[1] = { ruleId: 'x', message: { text: 5 } };
    writeFileSync(join(cwd, 'bad.sarif'), JSON.stringify(log));
    const whole = await check('bad.sarif', cwd, 'w.sarif', false);
    const streamed = await check('bad.sarif', cwd, 's.sarif', true);
    expect(whole.code).toBe(2);
    expect(streamed.code).toBe(2);
    expect(streamed.stderr.trim().split('\n')).toHaveLength(1);
    expect(streamed.stderr).toContain('$.runs[0].results[1].message.text');
    expect(streamed.stderr).toBe(whole.stderr);
  });

  it('a truncated or damaged streamed log is exit 2 with one line naming the file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-sarif-cut-'));
    const text = readFileSync(FIXTURES[0]!, 'utf8');
    const damaged = { 'cut.sarif': text.slice(0, Math.floor(text.length * 0.7)), 'broken.sarif': text.replace('"results"', '"results" [') };
    for (const [name, body] of Object.entries(damaged)) {
      writeFileSync(join(cwd, name), body);
      const r = await check(name, cwd, 'o.sarif', true);
      expect(r.code, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toContain(name);
    }
  });
});

describe('results that share values (a rule\'s tag list) stay writable', () => {
  it('secgate run redacts a SARIF run in place: every result, shared tag lists included', () => {
    const path = FIXTURES[0]!;
    const { runs } = parseReport({ path }, readFileSync(path, 'utf8'), { unknownSeverity: 'medium' });
    const results = runs.flatMap((r) => r.results ?? []);
    expect(results.length).toBeGreaterThan(1);
    const redacted = redactDeep(runs, (s) => s.replaceAll('security', 'SECURITY'));
    for (const r of redacted.flatMap((x) => x.results ?? [])) expect(r.properties?.['tags']?.[0]).toBe('SECURITY');
  });
});

describe('isPlainPath: the fast path before the URI-reference grammar', () => {
  it('accepts only what isUriReference accepts', () => {
    const part = fc.constantFrom('a', 'Z', '0', '.', '..', '_', '~', '-', '/', '//', ':', '%', '%2F', ' ', '?', '#', '@', '[', 'é', '\\');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(part, { maxLength: 12 }).map((xs) => xs.join(''))), (s) => {
        if (isPlainPath(s)) expect(isUriReference(s)).toBe(true);
      }),
      { numRuns: fuzzRuns(1000) },
    );
    for (const s of ['', '/', '//', '///x', 'a//b', 'src/module-1/file-2.ts', '~/x', '.']) expect([s, isPlainPath(s), isUriReference(s)]).toEqual([s, true, true]);
  });
});
