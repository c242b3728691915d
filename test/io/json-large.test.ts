import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LargeJsonError, readLargeJson } from '../../src/io/json-large.js';
import { isLazyArray } from '../../src/scanners/lazy-array.js';
import { fuzzRuns } from '../helpers/fuzz.js';
import { runCli } from '../helpers/cli.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../helpers/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'secgate-large-'));
let n = 0;
const file = (text: string | Buffer) => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, text);
  return p;
};
/** The document with every LazyArray read out (iterated twice: each pass reads the file again). */
const materialise = (doc: Record<string, unknown>) => {
  // Object.fromEntries: a "__proto__" member stays an own property, as JSON.parse makes it.
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (isLazyArray(v)) {
      const once = [...v];
      expect([...v]).toEqual(once);
      expect(v.head).toEqual(once.slice(0, 1));
      out.push([k, once]);
    } else out.push([k, v]);
  }
  return Object.fromEntries(out);
};

describe('readLargeJson: a top-level object read member by member, big arrays lazily', () => {
  it('reads any object as JSON.parse does, whatever the chunk size, inline limit and layout', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 }),
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
        fc.constantFrom(undefined, 2, '\t', ' \r\n '),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 200 }),
        (members, big, indent, chunkSize, arrayInlineMax) => {
          const value = { ...members, matches: big };
          const text = JSON.stringify(value, null, indent as string | number | undefined);
          const doc = readLargeJson(file(text), { chunkSize, arrayInlineMax });
          expect(materialise(doc)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('arrays of many elements, read in several parse batches within one window and across windows', () => {
    const value = { matches: Array.from({ length: 3000 }, (_, i) => ({ i, s: `é${'x'.repeat(i % 200)}"\\`, a: [i, { b: null }] })), after: true };
    for (const chunkSize of [4093, 1 << 20]) {
      const doc = readLargeJson(file(JSON.stringify(value, null, 1)), { chunkSize, arrayInlineMax: 0 });
      expect(materialise(doc)).toEqual(value);
    }
  });

  it('a UTF-8 byte-order mark is skipped, as the whole-file reader skips it', () => {
    const value = { matches: [{ a: 'é' }, 2] };
    const doc = readLargeJson(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))])), { chunkSize: 3, arrayInlineMax: 0 });
    expect(materialise(doc)).toEqual(value);
  });

  it('multi-byte UTF-8 across chunk boundaries, escaped quotes and brackets inside strings', () => {
    const value = { 'k"}': 'a\\"]}{[', matches: ['é€😀', { s: '\\\\', t: '"[{' }, 1, null, true, -1.5e3], tail: '😀' };
    for (const chunkSize of [1, 2, 3, 5]) {
      const doc = readLargeJson(file(JSON.stringify(value)), { chunkSize, arrayInlineMax: 0 });
      expect(isLazyArray(doc['matches'])).toBe(true);
      expect(materialise(doc)).toEqual(value);
    }
  });

  it('truncated, not an object, malformed, or a big member that is not an array: a LargeJsonError', () => {
    const text = JSON.stringify({ descriptor: { name: 'grype' }, matches: [{ a: 1 }, { b: 2 }] });
    const err = (t: string, o = {}) => {
      try {
        const doc = readLargeJson(file(t), { chunkSize: 4, arrayInlineMax: 0, ...o });
        materialise(doc);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const cut = err(text.slice(0, 40)) as LargeJsonError;
    expect(cut).toBeInstanceOf(LargeJsonError);
    expect(cut.truncated).toBe(true);
    expect(err('[1, 2]')).toBeInstanceOf(LargeJsonError);
    expect(err(text.replace('{ "b"', '{ b').replace('{"b"', '{b'))).toBeInstanceOf(LargeJsonError);
    expect(err(JSON.stringify({ big: 'x'.repeat(100) }), { memberMax: 10 })).toBeInstanceOf(LargeJsonError);
    expect(materialise(readLargeJson(file(JSON.stringify({ big: 'x'.repeat(100) })), { arrayInlineMax: 0, chunkSize: 8 }))).toEqual({ big: 'x'.repeat(100) });
    expect(err(`${text} x`)).toBeInstanceOf(LargeJsonError);
  });

  it('damaged documents: a LargeJsonError or a result, never another exception', () => {
    const base = JSON.stringify({ descriptor: { name: 'grype', version: '0.1' }, matches: [{ vulnerability: { id: 'CVE-1' }, artifact: { name: 'a' } }, { x: [1, 2, { y: 'z' }] }], source: { target: 't' } }, null, 1);
    fc.assert(
      fc.property(fc.nat(base.length), fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', 'x'), fc.boolean(), (at, insert, cut) => {
        const t = cut ? base.slice(0, at) : base.slice(0, at) + insert + base.slice(at + 1);
        try {
          materialise(readLargeJson(file(t), { chunkSize: 7, arrayInlineMax: 0 }));
        } catch (e) {
          expect(e).toBeInstanceOf(LargeJsonError);
        }
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

/** Every LazyArray read out, at any depth (a split array's elements hold LazyArrays of their own). */
const deepMaterialise = (v: unknown): unknown => {
  if (isLazyArray(v)) {
    const once = [...v].map(deepMaterialise);
    expect([...v].map(deepMaterialise)).toEqual(once);
    expect(v.head.map(deepMaterialise)).toEqual(once.slice(0, 1));
    return once;
  }
  if (Array.isArray(v)) return v.map(deepMaterialise);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepMaterialise(x)]));
  return v;
};

describe('readLargeJson: SARIF-like nesting, runs split member by member, results lazy', () => {
  const run = fc.record({
    tool: fc.record({ driver: fc.record({ name: fc.string(), rules: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) }) }),
    results: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
    extra: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: [] });

  it('reads any such log as JSON.parse does, whatever the chunk size, inline limit and layout', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(run, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
        fc.constantFrom(undefined, 2, '\t'),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 300 }),
        (runs, indent, chunkSize, arrayInlineMax) => {
          const text = JSON.stringify({ version: '2.1.0', runs, after: { x: 1 } }, null, indent as string | number | undefined);
          const doc = readLargeJson(file(text), { chunkSize, arrayInlineMax, splitElementsOf: ['runs'] });
          expect(deepMaterialise(doc)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: fuzzRuns(200) },
    );
  });

  it('a big run is an object whose big arrays are LazyArrays; a small one is parsed whole', () => {
    const results = Array.from({ length: 50 }, (_, i) => ({ ruleId: `r${i}`, message: { text: 'é"}]' } }));
    const text = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results }, { tool: { driver: { name: 'small' } } }] });
    const doc = readLargeJson(file(text), { chunkSize: 16, arrayInlineMax: 100, splitElementsOf: ['runs'] });
    const runs = [...(doc['runs'] as Iterable<Record<string, unknown>>)];
    expect(isLazyArray(runs[0]!['results'])).toBe(true);
    expect(runs[0]!['tool']).toEqual({ driver: { name: 't' } });
    expect(runs[1]).toEqual({ tool: { driver: { name: 'small' } } });
    expect(deepMaterialise(doc)).toEqual(JSON.parse(text));
  });

  it('damaged logs: a LargeJsonError or a result, never another exception', () => {
    const base = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'a', message: { text: 'm' } }, { ruleId: 'b', locations: [1, { y: 'z' }] }] }] }, null, 1);
    fc.assert(
      fc.property(fc.nat(base.length), fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', 'x', ' 1'), fc.boolean(), (at, insert, cut) => {
        const t = cut ? base.slice(0, at) : base.slice(0, at) + insert + base.slice(at + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          parsed = undefined;
        }
        try {
          const got = deepMaterialise(readLargeJson(file(t), { chunkSize: 5, arrayInlineMax: 0, splitElementsOf: ['runs'] }));
          // Whatever it reads is what JSON.parse reads: damage is never silently accepted.
          expect(got).toEqual(parsed);
        } catch (e) {
          if (!(e instanceof LargeJsonError)) throw e;
          expect(parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed)).toBe(true);
        }
      }),
      { numRuns: fuzzRuns(500) },
    );
  });
});

describe('readLargeJson: Trivy reports (big Results read member by member)', () => {
  const report = (vulns: number) =>
    JSON.stringify({ SchemaVersion: 2, ArtifactName: 'a', Results: [{ Target: 't', Vulnerabilities: Array.from({ length: vulns }, (_, i) => ({ VulnerabilityID: `CVE-${i}`, Title: 'é"}]\\' })), Secrets: [{ RuleID: 'r' }] }, { Target: 'small' }], Trailer: { n: 1 } }, null, 1);

  it('a big Result that spans reads is the same document, whatever the read size', () => {
    const text = report(30);
    for (const chunkSize of [3, 17, 64, 4096]) {
      const doc = readLargeJson(file(text), { chunkSize, arrayInlineMax: 200, splitElementsOf: ['runs', 'Results'] });
      const first = [...(doc['Results'] as Iterable<Record<string, unknown>>)][0]!;
      expect(isLazyArray(first['Vulnerabilities'])).toBe(true);
      expect(deepMaterialise(doc)).toEqual(JSON.parse(text));
    }
  });

  it('damaged reports: a LargeJsonError or what JSON.parse reads, never another exception', () => {
    const base = report(6);
    fc.assert(
      fc.property(fc.nat(base.length), fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', 'x', ' 1'), fc.boolean(), fc.constantFrom(0, 40), (at, insert, cut, inlineMax) => {
        const t = cut ? base.slice(0, at) : base.slice(0, at) + insert + base.slice(at + 1);
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          parsed = undefined;
        }
        try {
          expect(deepMaterialise(readLargeJson(file(t), { chunkSize: 7, arrayInlineMax: inlineMax, splitElementsOf: ['runs', 'Results'] }))).toEqual(parsed);
        } catch (e) {
          if (!(e instanceof LargeJsonError)) throw e;
          expect(parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed)).toBe(true);
        }
      }),
      { numRuns: fuzzRuns(500) },
    );
  });
});

// The CLI streams reports above SECGATE_STREAM_ABOVE bytes: the SARIF log must be the same bytes.
describe('secgate check: a streamed Grype report gives the same log as one read whole', () => {
  const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'reports', 'grype.json');
  const both = async (report: string) => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-stream-cli-'));
    const whole = await runCli(['check', report, '-q', '--sarif', 'whole.sarif'], { cwd, env: { NO_COLOR: '1' } });
    const streamed = await runCli(['check', report, '-q', '--sarif', 'streamed.sarif'], { cwd, env: { NO_COLOR: '1', SECGATE_STREAM_ABOVE: '0' } });
    expect(streamed.code).toBe(whole.code);
    expect(streamed.stdout).toBe(whole.stdout);
    // Not a Grype report (an SBOM in the corpus): both refuse it, in one line.
    if (whole.code === 2) return expect(streamed.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(cwd, 'streamed.sarif'), 'utf8')).toBe(readFileSync(join(cwd, 'whole.sarif'), 'utf8'));
  };

  it('on the project fixture', () => both(FIXTURE));

  it.skipIf(!HAVE_CORPUS)(`on every recorded Grype report${HAVE_CORPUS ? '' : ` (${NO_CORPUS_REASON})`}`, async () => {
    const files = corpusFiles('grype', (f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const [, path] of files) await both(path);
  }, 60_000);

  it('a truncated streamed report is exit 2 with one line naming the file and the byte', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'secgate-stream-cut-'));
    const text = readFileSync(FIXTURE, 'utf8');
    writeFileSync(join(cwd, 'grype.json'), text.slice(0, Math.floor(text.length / 2)));
    const r = await runCli(['check', 'grype.json', '-q'], { cwd, env: { NO_COLOR: '1', SECGATE_STREAM_ABOVE: '0' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/grype\.json.*truncated/);
  });

  it('big reports of other formats (ZAP XML and JSON, which do not stream; SARIF, which does) give the same log as read whole', async () => {
    for (const f of ['zap-xml-plus.xml', 'semgrep.sarif', 'zap-single-site.json']) await both(join(import.meta.dirname, '..', '..', 'fixtures', 'reports', f));
  });
});
