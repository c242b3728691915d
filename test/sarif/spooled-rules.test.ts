import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log, ReportingDescriptor, Result, Run } from 'sarif';
import { ResultSpool } from '../../src/io/result-spool.js';
import { sarifChunks } from '../../src/report/sarif.js';
import { RunBuilder, type FindingInput, type ResultSink, type RuleInput } from '../../src/sarif/builder.js';
import { GITHUB_LIMITS, fitGithubLimits } from '../../src/sarif/github-limits.js';
import { isSpooledRules, type RuleSpool, type SpooledRules } from '../../src/sarif/spooled-rules.js';
import { isSpooled } from '../../src/sarif/spooled-types.js';
import { createSarifValidator } from '../../src/sarif/validate.js';
import { hydrateLog } from '../helpers/hydrate.js';
import { SEVERITIES } from '../../src/sarif/severity.js';

const spools: ResultSpool[] = [];
afterAll(() => spools.forEach((s) => s.close()));

/** A RuleSpool over a real spool segment, small blocks so a few rules span many reads and writes. */
function segmentSpool(): RuleSpool & { checked: ReportingDescriptor[] } {
  const spool = ResultSpool.create({ readBlock: 64, writeBuffer: 128 });
  spools.push(spool);
  const segment = spool.segment();
  const checked: ReportingDescriptor[] = [];
  return {
    checked,
    append: (text, rule) => (checked.push(rule), segment.append(text)),
    seal: () => segment.seal(),
    lines: (from, to) => segment.lines(from, to),
    line: (i) => segment.line(i),
  };
}

/** A sink keeping results in an array (the rules part is what is tested), with or without a rule spool. */
function sink(withRules: boolean): { factory: () => ResultSink } {
  return {
    factory: () => {
      const results: Result[] = [];
      return { add: (r) => void results.push(r), seal: () => results, ...(withRules ? { ruleSpool: () => segmentSpool() } : {}) };
    },
  };
}

type Op = { rule: RuleInput } | { add: Pick<FindingInput, 'ruleId' | 'severity'> };

function build(ops: readonly Op[], withSink: boolean | 'results-only'): Run {
  const b = new RunBuilder({ name: 'T' }, 'sca', { file: 'x.json', category: 'x', unknownSeverity: 'medium', ...(withSink ? { sink: sink(withSink === true).factory } : {}) }, 'test');
  for (const op of ops) {
    if ('rule' in op) b.rule(op.rule);
    else b.add({ ...op.add, message: 'm', location: { uri: 'a.txt' }, identity: [op.add.ruleId] });
  }
  return b.build();
}

const ids = fc.constantFrom('CVE-1', 'CVE-2', 'r3', '__proto__', 'x y');
const text = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 12 }), fc.constantFrom('  a\tb ', '', 'π\u2028'));
const tag = fc.constantFrom('security', 'a', 'b', 'c', 'sca', '"q"');
const propValue = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }));
const ruleInput: fc.Arbitrary<RuleInput> = fc.record(
  {
    id: ids,
    name: text,
    shortDescription: text,
    fullDescription: text,
    help: text,
    helpMarkdown: text,
    helpUri: fc.constantFrom(undefined, 'https://x.dev/a', 'not a uri'),
    tags: fc.option(fc.array(tag, { maxLength: 4 }), { nil: undefined }),
    properties: fc.option(fc.dictionary(fc.constantFrom('tags', 'security-severity', 'severity', 'cvss', 'k', 'precision'), propValue, { maxKeys: 4 }), { nil: undefined }),
  },
  { requiredKeys: ['id'] },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  ruleInput.map((rule) => ({ rule })),
  fc.record({ ruleId: ids, severity: fc.constantFrom(undefined, ...SEVERITIES) }).map((add) => ({ add })),
);

const rulesOf = (run: Run): ReportingDescriptor[] => [...(run.tool.driver.rules ?? [])];
/** The same data as JSON (what a parser of the written log sees). */
const asData = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('RunBuilder rules spooled (sink with ruleSpool)', () => {
  it('a random sequence of rule()/add() gives the same rules, as data, with and without the spool', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const memory = build(ops, false);
        const resultsOnly = build(ops, 'results-only');
        const spooled = build(ops, true);
        const rules = spooled.tool.driver.rules as unknown as SpooledRules;
        expect(isSpooledRules(rules)).toBe(true);
        expect(isSpooled(rules)).toBe(false);
        expect(asData(rulesOf(resultsOnly))).toEqual(asData(rulesOf(memory)));
        const want = asData(rulesOf(memory)) as ReportingDescriptor[];
        expect(rules.count).toBe(want.length);
        expect(asData(rulesOf(spooled))).toEqual(want);
        expect([...rules.texts()].map((t) => JSON.parse(t))).toEqual(want);
        for (let i = 0; i < want.length; i++) {
          expect(rules.idAt(i)).toBe(want[i]!.id);
          expect([...rules.tagsAt(i)]).toEqual(want[i]!.properties?.['tags']);
          expect(asData(rules.at(i))).toEqual(want[i]);
        }
        // Results point at the same rule ids.
        expect(asData(spooled.results)).toEqual(asData(memory.results));
      }),
      { numRuns: 300 },
    );
  });

  it('texts of chosen rules, a view, and tags cut in a view', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 12; i++) ops.push({ rule: { id: `R${i}`, tags: Array.from({ length: i * 3 }, (_, k) => `t${k}`), ...(i % 3 ? { properties: { k: i } } : {}) } });
    ops.push({ add: { ruleId: 'R4', severity: 'low' } }, { add: { ruleId: 'R4', severity: 'critical' } }, { add: { ruleId: 'R9', severity: undefined } });
    const want = asData(rulesOf(build(ops, false))) as ReportingDescriptor[];
    const rules = build(ops, true).tool.driver.rules as unknown as SpooledRules;
    expect([...rules.texts([1, 2, 3, 7, 11])].map((t) => JSON.parse(t))).toEqual([1, 2, 3, 7, 11].map((i) => want[i]));
    const view = rules.view([4, 9, 11], 5);
    expect(view.count).toBe(3);
    const cut = (r: ReportingDescriptor) => ({ ...r, properties: { ...r.properties, tags: (r.properties!['tags'] as string[]).slice(0, 5) } });
    expect([...view].map(asData)).toEqual([4, 9, 11].map((i) => cut(want[i]!)));
    expect(view.at(0).properties!['severity']).toBe('critical');
    expect(view.at(1).properties!['severity']).toBe('medium');
    expect([...view.view([2])].map(asData)).toEqual([cut(want[11]!)]);
    // A rule by id without reading the rules: the first with that id, in the view's own numbering.
    for (let i = 0; i < want.length; i++) expect(rules.indexOf(want[i]!.id)).toBe(i);
    expect(rules.indexOf('R99')).toBe(-1);
    expect(rules.indexOf('__proto__')).toBe(-1);
    expect([view.indexOf('R9'), view.indexOf('R11'), view.indexOf('R4'), view.indexOf('R0')]).toEqual([1, 2, 0, -1]);
    expect(rules.view([3, 3, 5]).indexOf('R3')).toBe(0);
  });

  it('each rule is handed to the spool (to be checked) as the in-memory rule is first built', () => {
    const spool = segmentSpool();
    const b = new RunBuilder({ name: 'T' }, 'sca', { file: 'x', category: 'x', unknownSeverity: 'medium', sink: () => ({ add() {}, seal: () => [], ruleSpool: () => spool }) }, 'test');
    b.rule({ id: 'A', tags: ['x'], properties: { cvss: 5 } });
    b.add({ ruleId: 'B', severity: 'high', message: 'm', location: { uri: 'a' }, identity: [] });
    expect(spool.checked.map((r) => r.id)).toEqual(['A', 'B']);
    expect(spool.checked[0]!.properties).toEqual({ cvss: 5, tags: ['security', 'x'] });
  });
});

/** Rules for a log, built both ways: over the rules limit when n > 25,000. */
function twoLogs(n: number, tagsOf: (i: number) => string[], referenced: (i: number) => boolean): { memory: Log; spooled: Log } {
  const make = (withSink: boolean): Log => {
    const b = new RunBuilder({ name: 'T' }, 'sca', { file: 'x', category: 'x', unknownSeverity: 'medium', ...(withSink ? { sink: sink(true).factory } : {}) }, 'test');
    for (let i = 0; i < n; i++) b.rule({ id: `CVE-${i}`, shortDescription: `rule ${i}`, tags: tagsOf(i) });
    for (let i = 0; i < n; i++) if (referenced(i)) b.add({ ruleId: `CVE-${i}`, severity: SEVERITIES[i % 5], message: 'm', location: { uri: 'a' }, identity: [i] });
    return { version: '2.1.0', runs: [b.build()] };
  };
  return { memory: make(false), spooled: make(true) };
}
const written = (log: Log, layout: 'lines' | 'pretty'): string => [...sarifChunks(log, layout)].join('');

describe('spooled rules through the writer, fitGithubLimits, the validator and hydrateLog', () => {
  it('lines and pretty layouts write the same log (pretty: the same bytes)', () => {
    const { memory, spooled } = twoLogs(300, (i) => (i % 7 ? [] : ['a', `t${i}`]), (i) => i % 2 === 0);
    expect(written(spooled, 'pretty')).toBe(written(memory, 'pretty'));
    expect(written(spooled, 'lines')).toBe(written(memory, 'lines'));
    // One rule per line in the lines layout.
    expect(written(spooled, 'lines').split('\n').filter((l) => /^ +\{"id":"CVE-\d+",.*\}\}$|^ +\{"id":"CVE-\d+",.*\}\},$/.test(l)).length).toBe(300);
  });

  it('over 20 tags: cut to 20 in the text, as in memory', () => {
    const { memory, spooled } = twoLogs(40, (i) => Array.from({ length: i }, (_, k) => `t${k}`), () => true);
    const fm = fitGithubLimits(memory);
    const fs = fitGithubLimits(spooled);
    expect(isSpooledRules(fs.runs[0]!.tool.driver.rules)).toBe(true);
    expect(written(fs, 'lines')).toBe(written(fm, 'lines'));
    expect(written(fs, 'pretty')).toBe(written(fm, 'pretty'));
  });

  it('over 25,000 rules: the referenced ones kept (a view), ruleIndex unchanged, tags cut too', () => {
    const n = GITHUB_LIMITS.rulesPerRun + 500;
    const { memory, spooled } = twoLogs(n, (i) => (i % 1000 === 0 ? Array.from({ length: 25 }, (_, k) => `t${k}`) : []), (i) => i % 3 === 0);
    const fm = fitGithubLimits(memory);
    const fs = fitGithubLimits(spooled);
    expect(fs.runs[0]!.tool.driver.rules!.length).toBe(Math.ceil(n / 3));
    expect(written(fs, 'lines')).toBe(written(fm, 'lines'));
  });

  it('the structural validator skips spooled rules (checked as spooled); a user schema sees them', () => {
    const { memory, spooled } = twoLogs(5, () => [], () => true);
    const log = (l: Log): Log => ({ ...l, $schema: 'https://json.schemastore.org/sarif-2.1.0.json' });
    expect(createSarifValidator()(log(spooled))).toEqual([]);
    const schema = { type: 'object', properties: { runs: { type: 'array', items: { properties: { tool: { properties: { driver: { properties: { rules: { type: 'array', maxItems: 4 } } } } } } } } } };
    expect(createSarifValidator(schema)(log(memory)).length).toBe(1);
    expect(createSarifValidator(schema)(log(spooled))).toEqual(createSarifValidator(schema)(log(memory)));
  });

  it('hydrateLog gives the rules as objects', () => {
    const { memory, spooled } = twoLogs(50, (i) => (i % 2 ? ['z'] : []), (i) => i % 4 === 0);
    const h = hydrateLog(spooled);
    expect(Array.isArray(h.runs[0]!.tool.driver.rules)).toBe(true);
    expect(asData(h.runs[0]!.tool.driver.rules)).toEqual(asData(memory.runs[0]!.tool.driver.rules));
  });
});
