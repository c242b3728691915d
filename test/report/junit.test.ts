import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Log } from 'sarif';
import { renderJunit } from '../../src/report/junit.js';
import { HOSTILE, hostileLog } from '../helpers/hostile.js';
import { HAVE_XMLLINT, xsdProblems } from './xml.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const XSD = fileURLToPath(new URL('schemas/junit.xsd', import.meta.url));
const sample = (): Log => JSON.parse(readFileSync(new URL('../../fixtures/logs/sample.sarif', import.meta.url), 'utf8')) as Log;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase'].includes(n) });

interface Case { name: string; classname: string; file?: string; failure?: { type: string; message: string; '#text'?: string }; skipped?: { message: string }; error?: unknown }
function parse(xml: string) {
  const doc = parser.parse(xml) as { testsuites: { tests: string; failures: string; skipped: string; errors: string; testsuite: { name: string; tests: string; failures: string; testcase?: Case[] }[] } };
  return doc.testsuites;
}

describe('renderJunit', () => {
  it('matches the golden file for the sample log', async () => {
    await expect(renderJunit(sample())).toMatchFileSnapshot('__golden__/sample.junit.xml');
  });

  it.skipIf(!HAVE_XMLLINT)('is valid against the JUnit schema (xmllint; install libxml2-utils)', () => {
    expect(xsdProblems(renderJunit(sample()), XSD)).toBe('');
    expect(xsdProblems(renderJunit(hostileLog()), XSD)).toBe('');
  });

  it('has one suite per tool run plus the policy suite, and consistent counts', () => {
    const ts = parse(renderJunit(sample()));
    expect(ts.testsuite.map((s) => s.name)).toEqual(['Semgrep OSS (sarif-semgrep)', 'grype (grype-grype)', 'trivy (trivy-trivy)', 'secgate policy']);
    for (const s of ts.testsuite) expect(Number(s.tests)).toBe(s.testcase?.length ?? 0);
    const all = ts.testsuite.flatMap((s) => s.testcase ?? []);
    expect(Number(ts.tests)).toBe(all.length);
    expect(Number(ts.failures)).toBe(all.filter((c) => c.failure).length);
    expect(Number(ts.skipped)).toBe(all.filter((c) => c.skipped).length);
  });

  it('fails exactly the open findings the violated rule covers (default policy: critical or high)', () => {
    const cases = parse(renderJunit(sample())).testsuite.flatMap((s) => s.testcase ?? []).filter((c) => c.classname !== 'secgate.policy');
    const failed = cases.filter((c) => c.failure).map((c) => c.failure!.type);
    // The sample has 2 critical + 4 high open results (summary.total), all violating fail_on[0]
    expect(failed.sort()).toEqual(['critical', 'critical', 'high', 'high', 'high', 'high']);
    // medium/low findings are passing tests; the waived one is skipped with its justification
    expect(cases.filter((c) => !c.failure && !c.skipped).map((c) => c.name)).toEqual([
      '[low] javascript.lang.security.audit.unsafe-formatstring at src/log.js:9',
      '[medium] CVE-2023-5363 libssl3@3.0.11-r0 at lib/apk/db/installed',
    ]);
    expect(cases.find((c) => c.skipped)!.skipped!.message).toContain('SEC-42');
    // fixed (absent) findings are not tests at all
    expect(cases.some((c) => c.name.includes('CVE-2020-8203'))).toBe(false);
  });

  it('fails nothing for a rule whose max was not exceeded, and follows the configured rules', () => {
    const log = sample();
    const v = (log.properties!['secgate'] as { verdict: { status: string; reasons: unknown[] } }).verdict;
    v.status = 'pass';
    v.reasons = [];
    expect(parse(renderJunit(log)).failures).toBe('0');
    const kinds = parse(renderJunit(sample(), { failOn: [{ severity: 'low', kinds: ['sast'] }] }));
    const failed = kinds.testsuite.flatMap((s) => s.testcase ?? []).filter((c) => c.failure && c.classname !== 'secgate.policy');
    expect(failed.map((c) => c.classname)).toEqual(['Semgrep OSS.sast', 'Semgrep OSS.sast']);
  });

  it('records a failed scanner as an error', () => {
    const log = sample();
    log.runs[0]!.invocations = [{ executionSuccessful: false, toolExecutionNotifications: [{ message: { text: 'semgrep exited 2' } }] }];
    const s = parse(renderJunit(log)).testsuite[0]!;
    expect(s.testcase![0]!.name).toBe('Semgrep OSS (sarif-semgrep): scanner run');
    expect(s.testcase![0]!.error).toBeDefined();
  });

  it('carries hostile text as inert, well-formed XML', () => {
    const xml = renderJunit(hostileLog());
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202a-\u202e\u2066-\u2069]/);
    expect(xml).not.toMatch(/<script|<img|<!DOCTYPE|<!ENTITY|<!--/i);
    expect(xml.length).toBeLessThan(1_000_000); // the 1 MB message was clipped
    const cases = parse(xml).testsuite[0]!.testcase!;
    expect(cases).toHaveLength(HOSTILE.length);
    // the text survives as text: a parser gives back what the scanner said (escaped chars decoded)
    expect(cases.find((c) => c.name.includes('rule-9-'))!.failure!.message).toContain('<script>window.__pwned=1</script>');
  });

  it('is always well-formed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), value: fc.string({ unit: 'binary', maxLength: 100 }) }), { maxLength: 10 }), (strings) => {
        expect(XMLValidator.validate(renderJunit(hostileLog(strings)))).toBe(true);
      }),
      { numRuns: fuzzRuns(40, { max: 2000 }) },
    );
  });
});
