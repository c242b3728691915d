/**
 * Every adapter in the registry (and the config loader) under mutated seed reports and generated
 * input. The invariant: a typed error (ShapeError from toRuns; a one-line ReportError / SecgateError
 * from parseReport) or runs that validate (sarifProblems == []), never another exception, and
 * never a hang: each input must finish within a generous bound (a super-linear path shows up as
 * a failure naming the input, not as a stuck CI job). `npm test` runs a small budget; `npm run
 * fuzz` (FUZZ_RUNS=10000) runs at least 10,000 inputs per adapter.
 *
 * A registry adapter without seeds fails the "every adapter has seeds" test, so a new format
 * cannot skip this file.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Run } from 'sarif';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError, isSecgateError } from '../../src/errors.js';
import { parseReport } from '../../src/io/read-report.js';
import { mergeRuns } from '../../src/sarif/merge.js';
import { adapters } from '../../src/scanners/registry.js';
import { ShapeError } from '../../src/scanners/shape.js';
import type { Adapter } from '../../src/scanners/types.js';
import { HAVE_CORPUS, corpusFiles } from '../helpers/corpus.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { HOSTILE } from '../helpers/hostile.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { mutate, mutationArb } from '../fuzz/mutate.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNS = fuzzRuns(60);
/** A hang guard, not a performance target: far above any real input's time (bench/ measures speed). */
const PER_INPUT_MS = 10_000;

const fixtureText = (...p: string[]) => readFileSync(join(ROOT, 'fixtures', ...p), 'utf8');
const corpusText = (dir: string, keep: (rel: string) => boolean) =>
  HAVE_CORPUS ? corpusFiles(dir).filter(([rel, p]) => keep(rel) && statSync(p).size < 40_000).map(([, p]) => readFileSync(p, 'utf8')) : [];

/** Seed texts per adapter id: the project's fixtures (always there) and small corpus files. */
const SEEDS: Record<string, () => string[]> = {
  grype: () => [fixtureText('reports', 'grype.json'), fixtureText('reports', 'variants', 'grype-legacy-dir.json')],
  trivy: () => [fixtureText('reports', 'trivy.json'), fixtureText('reports', 'variants', 'trivy-k8s-summary.json')],
  'npm-audit': () => [fixtureText('reports', 'npm-audit-v2-npm7.json'), fixtureText('reports', 'npm-audit-v1.json'), fixtureText('reports', 'npm-audit-error-enolock.json')],
  sonarqube: () => [fixtureText('reports', 'sonarqube-combined.json'), fixtureText('reports', 'sonarqube-issues-9.9.json')],
  'wazuh-api': () => [fixtureText('hardening', 'wazuh-api-4.7.json'), ...corpusText('wazuh', (r) => r.includes('4-7'))],
  'wazuh-indexer': () => [fixtureText('hardening', 'wazuh-indexer-4.8.json'), ...corpusText('wazuh', (r) => r.includes('4-8'))],
  'wazuh-alerts': () => [fixtureText('wazuh', 'alerts.json')],
  'wazuh-alert': () => [fixtureText('wazuh', 'alerts.json').split('\n')[0]!],
  asff: () => [fixtureText('asff', 'securityhub-export.json'), ...corpusText('asff', (r) => r.endsWith('.json'))],
  'asff-lines': () => [JSON.parse(fixtureText('asff', 'securityhub-export.json')).Findings.map((f: unknown) => JSON.stringify(f)).join('\n')],
  'zap-json': () => [fixtureText('reports', 'zap-2.17-traditional.json'), fixtureText('reports', 'zap-single-site.json')],
  'zap-xml': () => [fixtureText('reports', 'zap-xml-plus.xml')],
  'zap-api': () => [fixtureText('reports', 'zap-api-alerts.json')],
  sarif: () => [fixtureText('reports', 'semgrep.sarif'), fixtureText('reports', 'zap-sarif.sarif'), fixtureText('reports', 'variants', 'codeql-javascript.sarif')],
};

const CTX = { file: 'fuzz.json', category: 'fuzz', unknownSeverity: 'medium' as const };

/** The invariant for one input text, with the adapter forced and with detection. */
function check(adapter: Adapter, text: string): number {
  const t0 = performance.now();
  let input: unknown = text;
  if (adapter.input === 'json') {
    try {
      input = JSON.parse(text);
    } catch {
      input = undefined;
    }
  }
  if (input !== undefined) {
    let runs: Run[] | undefined;
    try {
      runs = adapter.toRuns(input, CTX);
    } catch (e) {
      if (!(e instanceof ShapeError) && !isSecgateError(e)) throw e;
    }
    if (runs) expectValid(adapter, runs);
  }
  for (const format of [adapter.id, undefined]) {
    let read: Run[] | undefined;
    try {
      read = parseReport({ path: 'fuzz.json', format }, text, { unknownSeverity: 'medium' }).runs;
    } catch (e) {
      // A ReportError wrapping an unexpected exception is an adapter crash in disguise.
      if (!isSecgateError(e) || (e as Error).cause !== undefined && !(e.cause instanceof ShapeError) && !isSecgateError(e.cause)) throw e;
      expect(e.oneLine().split('\n')).toHaveLength(1);
    }
    if (read) expectValid(adapter, read);
  }
  const ms = performance.now() - t0;
  expect(ms, `${adapter.id}: one input of ${text.length} chars took ${Math.round(ms)} ms (hang guard ${PER_INPUT_MS} ms)`).toBeLessThan(PER_INPUT_MS);
  return ms;
}

function expectValid(adapter: Adapter, runs: Run[]): void {
  // Structural (secgate's own schema, GitHub's rules): an input that is itself invalid SARIF may
  // carry through properties the official schema does not know, so only structural problems count there.
  const problems = sarifProblems(mergeRuns(runs)).filter((p) => adapter.id !== 'sarif' || p.startsWith('structural'));
  expect(problems, `${adapter.id}: ${problems.slice(0, 3).join('; ')}`).toEqual([]);
}

/** A text mutation for line and XML formats: cut, duplicate, or splice a hostile string in. */
const textMutation = fc.record({ at: fc.nat(), op: fc.constantFrom('cut', 'dup', 'splice', 'drop-line'), hostile: fc.constantFrom(...HOSTILE.filter((h) => h.value.length < 1000).map((h) => h.value)) });
function mutateText(text: string, m: { at: number; op: string; hostile: string }): string {
  const i = m.at % (text.length + 1);
  if (m.op === 'cut') return text.slice(0, i);
  if (m.op === 'dup') return text.slice(0, i) + text.slice(Math.max(0, i - 200), i) + text.slice(i);
  if (m.op === 'drop-line') {
    const lines = text.split('\n');
    lines.splice(m.at % lines.length, 1);
    return lines.join('\n');
  }
  return text.slice(0, i) + m.hostile + text.slice(i);
}

/** Hostile strings spliced into every string value of a document (as a report's text fields carry them). */
function hostileStrings(doc: unknown, h: string): unknown {
  if (typeof doc === 'string') return `${doc}${h}`;
  if (Array.isArray(doc)) return doc.map((x) => hostileStrings(x, h));
  if (doc && typeof doc === 'object') return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, hostileStrings(v, h)]));
  return doc;
}

describe('fuzzing every adapter: a typed error or a valid run, never a crash or a hang', () => {
  it('every adapter in the registry has seeds here', () => {
    expect(adapters.map((a) => a.id).filter((id) => !SEEDS[id])).toEqual([]);
  });

  for (const adapter of adapters) {
    const seeds = (SEEDS[adapter.id] ?? (() => []))();
    describe(adapter.id, () => {
      it('the seeds themselves read as valid runs', () => {
        for (const s of seeds.slice(0, 2)) expect(() => check(adapter, s)).not.toThrow();
      });

      it(`mutated seeds (${RUNS} runs)`, () => {
        if (adapter.input === 'json' || adapter.id === 'asff-lines') {
          const docs = seeds.map((s) => JSON.parse(adapter.id === 'asff-lines' ? `[${s.split('\n').join(',')}]` : s) as unknown);
          fc.assert(
            fc.property(fc.nat(docs.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (i, ms) => {
              const doc = mutate(docs[i]!, ms);
              check(adapter, adapter.id === 'asff-lines' && Array.isArray(doc) ? doc.map((x) => JSON.stringify(x)).join('\n') : JSON.stringify(doc) ?? 'null');
            }),
            { numRuns: RUNS },
          );
        }
        fc.assert(
          fc.property(fc.nat(seeds.length - 1), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (i, ms) => void check(adapter, ms.reduce(mutateText, seeds[i]!))),
          { numRuns: RUNS },
        );
      });

      it(`hostile strings in every text field (${Math.min(RUNS, HOSTILE.length)} runs)`, () => {
        if (adapter.input !== 'json') return;
        const doc = JSON.parse(seeds[0]!) as unknown;
        fc.assert(fc.property(fc.constantFrom(...HOSTILE.map((h) => h.value.slice(0, 5000))), (h) => void check(adapter, JSON.stringify(hostileStrings(doc, h)))), { numRuns: Math.min(RUNS, HOSTILE.length) });
      });

      it(`generated input (${RUNS} runs)`, () => {
        fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => void check(adapter, JSON.stringify(v) ?? 'null')), { numRuns: RUNS });
        fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => void check(adapter, s)), { numRuns: RUNS });
      });
    });
  }
});

describe('fuzzing the config loader: a Config or one ConfigError line, never a crash or a hang', () => {
  const example = { version: 1, policy: { fail_on: [{ severity: 'high' }], warn_on: [{ severity: 'medium', tools: ['trivy'] }] }, scanners: { grype: { target: 'alpine:3.20', timeout: '5m' } }, reports: ['a.sarif'], history: { path: 'h.jsonl' } };
  const checkConfig = (text: string) => {
    const t0 = performance.now();
    try {
      parseConfig(text, 'secgate.yml');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      expect(e.oneLine().split('\n')).toHaveLength(1);
    }
    expect(performance.now() - t0).toBeLessThan(PER_INPUT_MS);
  };
  it(`mutated, hostile and generated configurations (${RUNS} runs each)`, () => {
    fc.assert(fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkConfig(stringify(mutate(example, ms)))), { numRuns: RUNS });
    fc.assert(fc.property(fc.constantFrom(...HOSTILE.map((h) => h.value.slice(0, 2000))), (h) => checkConfig(stringify(hostileStrings(example, h)))), { numRuns: Math.min(RUNS, HOSTILE.length) });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkConfig), { numRuns: RUNS });
    // YAML bombs (aliases of aliases) must stay bounded, not expand.
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`;
    checkConfig(bomb);
  });
});
