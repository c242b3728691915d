import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from 'sarif';
import { ReportError } from '../../../src/errors.js';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { ShapeError } from '../../../src/scanners/shape.js';
import { zapApiAlerts } from '../../../src/scanners/zap/api-alerts.js';
import { zapTraditionalJson } from '../../../src/scanners/zap/traditional-json.js';
import { zapTraditionalXml } from '../../../src/scanners/zap/traditional-xml.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb, seeds } from '../../fuzz/mutate.js';
import { HAVE_CORPUS, corpusFiles } from '../../helpers/corpus.js';
import { HOSTILE } from '../../helpers/hostile.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports');

describe('ZAP traditional JSON under mutated reports', () => {
  const docs = seeds(['zap-2.17-traditional.json', 'zap-single-site.json'], 'zap', (rel) => rel.endsWith('.json'));

  it.each(docs.map((d) => [d.name, d.doc] as const))('%s: a typed error or runs that validate, never a crash', (_name, doc) => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkAdapter(zapTraditionalJson, mutate(doc, ms))),
      { numRuns: Math.ceil(FUZZ_RUNS / docs.length) + 20 },
    );
  });

  it('random shapes around `site`: a typed error or runs that validate', () => {
    const alert = fc.record(
      { pluginid: fc.jsonValue(), alertRef: fc.jsonValue(), name: fc.jsonValue(), riskcode: fc.jsonValue(), confidence: fc.jsonValue(), desc: fc.jsonValue(), instances: fc.jsonValue(), cweid: fc.jsonValue() },
      { requiredKeys: [] },
    );
    const site = fc.record({ '@name': fc.jsonValue(), alerts: fc.oneof(fc.array(alert, { maxLength: 3 }), fc.jsonValue()) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.record({ '@version': fc.jsonValue(), site: fc.oneof(site, fc.array(site, { maxLength: 3 }), fc.jsonValue()) }), (doc) => checkAdapter(zapTraditionalJson, doc)),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('ZAP API alert list under mutation', () => {
  const docs = seeds(['zap-api-alerts.json'], 'zap', () => false);

  it('mutated fixture: a typed error or runs that validate', () => {
    fc.assert(fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkAdapter(zapApiAlerts, mutate(docs[0]!.doc, ms))), { numRuns: FUZZ_RUNS });
  });

  it('random alerts, hostile strings in every field: a typed error or runs that validate', () => {
    const hostile = fc.oneof(fc.string(), fc.constantFrom(...HOSTILE.map((h) => h.value)), fc.jsonValue());
    const alert = fc.record(
      { pluginId: hostile, alertRef: hostile, name: hostile, risk: fc.oneof(fc.constantFrom('High', 'Medium', 'Low', 'Informational', 'Critical'), hostile), confidence: fc.oneof(fc.constantFrom('False Positive', 'Low', 'Medium', 'High', 'Confirmed'), hostile), url: hostile, method: hostile, param: hostile, evidence: hostile, description: hostile, tags: fc.jsonValue() },
      { requiredKeys: ['pluginId', 'risk', 'url'] },
    );
    fc.assert(fc.property(fc.array(alert, { maxLength: 4 }), (alerts) => checkAdapter(zapApiAlerts, { alerts })), { numRuns: FUZZ_RUNS });
  });
});

/** The same property for the text adapter: XML in, a typed error or valid runs out. */
function checkXml(text: string): void {
  let runs: Run[] | undefined;
  try {
    runs = zapTraditionalXml.toRuns(text, { file: 'fuzz.xml', category: 'zap-xml-fuzz', unknownSeverity: 'medium' });
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
  }
  if (runs) expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  try {
    const read = parseReport({ path: 'fuzz.xml', format: 'zap-xml' }, text, { unknownSeverity: 'medium' }).runs;
    expect(sarifProblems(mergeRuns(read))).toEqual([]);
  } catch (e) {
    if (!(e instanceof ReportError) || e.cause !== undefined) throw e;
    expect(e.oneLine().split('\n')).toHaveLength(1);
  }
}

describe('ZAP traditional XML under mutation', () => {
  const texts = [readFileSync(join(FIXTURES, 'zap-xml-plus.xml'), 'utf8')];
  if (HAVE_CORPUS) for (const [, p] of corpusFiles('zap', (n) => n.endsWith('.xml'))) if (statSync(p).size < 40_000) texts.push(readFileSync(p, 'utf8'));

  const edit = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 200 }),
    insert: fc.oneof(
      fc.string(),
      fc.constantFrom(...HOSTILE.map((h) => h.value)),
      fc.constantFrom('<alertitem>', '</alertitem>', '<instance><uri>x</uri></instance>', '<riskcode>9</riskcode>', '<confidence>0</confidence>', '<![CDATA[<p>x</p>]]>', '&lt;script&gt;', '&#0;', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>', '<site name="x">', '<pluginid><b>1</b></pluginid>'),
    ),
  });

  it.each(texts.map((t, i) => [i, t] as const))('seed %i: splices and insertions give a typed error or runs that validate', (_i, text) => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let t = text;
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.insert + t.slice(at + e.cut);
        }
        checkXml(t);
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / texts.length) + 20 },
    );
  });

  it('any string: a typed error or runs that validate', () => {
    fc.assert(fc.property(fc.string(), (s) => checkXml(`<OWASPZAPReport>${s}</OWASPZAPReport>`)), { numRuns: FUZZ_RUNS });
  });
});
