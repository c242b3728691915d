/**
 * TEST ORACLE: src/report/junit.ts as it was before the reports walked a spooled log lazily (every FindingView
 * materialised, whole lists sorted, one string). The new one must give the same bytes.
 */
import type { Log, Result, Run } from 'sarif';
import { readVerdict, type Reason } from '../../src/policy/verdict.js';
import { runOptional, runSucceeded } from '../../src/sarif/props.js';
import { forXml, showInvisible } from '../../src/text/escape.js';
import { displayUri } from '../../src/report/console.js';
import type { FindingView } from '../../src/report/findings.js';
import { findingsOf } from './findings-oracle.js';
import { violationTest } from '../../src/report/violations.js';
import { ERROR_CODES } from '../../src/policy/evaluate.js';

/**
 * JUnit XML as Jenkins, GitLab and most CI test views read it (the Ant/Jenkins shape):
 *   testsuites > testsuite (one per tool run) > testcase (one per finding)
 * - a finding that violates the policy → <failure type="severity">
 * - a suppressed (waived, VEX'd) finding → <skipped message="why">, so accepted risk stays visible
 * - any other open finding → a passing testcase (below the policy's thresholds)
 * - a scanner that failed → an <error> testcase in its suite (a failure of the gate, not a finding)
 * plus a "secgate policy" suite with one testcase per policy rule outcome, so the verdict shows
 * in the test view even when there are no findings. Fixed (absent) findings are not tests.
 */
export function renderJunit(log: Log, opts: { failOn?: Parameters<typeof violationTest>[1] } = {}): string {
  const violates = violationTest(log, opts.failOn);
  const verdict = readVerdict(log);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;

  const findings = findingsOf(log);
  let k = 0;
  log.runs.forEach((run) => {
    const cases: string[] = [];
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const name = suiteName(run);
    if (!runSucceeded(run)) {
      const note = run.invocations?.find((i) => i.executionSuccessful === false)?.toolExecutionNotifications?.[0]?.message.text ?? 'the scanner did not complete';
      counts.tests++;
      if (runOptional(run)) {
        counts.skipped++;
        cases.push(testcase(`${name}: scanner run`, name, undefined, `<skipped message="${attr(`optional scanner failed: ${note}`)}"/>`));
      } else {
        counts.errors++;
        cases.push(testcase(`${name}: scanner run`, name, undefined, `<error message="${attr(`scanner failed: ${note}`)}" type="scanner-failed">${text([note])}</error>`));
      }
    }
    for (const result of run.results ?? []) {
      const f = findings[k++]!;
      if (f.baselineState === 'absent') continue;
      counts.tests++;
      cases.push(findingCase(f, run, result, violates, counts));
    }
    tests += counts.tests;
    failures += counts.failures;
    errors += counts.errors;
    skipped += counts.skipped;
    suites.push(suite(name, counts, cases));
  });

  // The verdict as its own suite.
  const policyCases: string[] = [];
  const pc = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  if (verdict) {
    for (const r of verdict.reasons) {
      pc.tests++;
      const isError = ERROR_CODES.has(r.code);
      if (isError) pc.errors++;
      else pc.failures++;
      policyCases.push(testcase(reasonName(r), 'secgate.policy', undefined, `<${isError ? 'error' : 'failure'} message="${attr(r.message)}" type="${attr(r.code)}">${text(reasonBody(r))}</${isError ? 'error' : 'failure'}>`));
    }
    if (verdict.status === 'pass') {
      pc.tests++;
      policyCases.push(testcase('policy holds', 'secgate.policy', undefined, ''));
    }
  } else {
    pc.tests++;
    pc.skipped++;
    policyCases.push(testcase('verdict', 'secgate.policy', undefined, '<skipped message="no verdict in this log (not written by secgate check)"/>'));
  }
  suites.push(suite('secgate policy', pc, policyCases));
  tests += pc.tests;
  failures += pc.failures;
  errors += pc.errors;
  skipped += pc.skipped;

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="secgate" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function findingCase(f: FindingView, run: Run, result: Result, violates: (run: Run, r: Result) => boolean, counts: { failures: number; skipped: number }): string {
  const where = f.uri ? `${displayUri(f.uri)}${f.line ? `:${f.line}` : ''}` : f.url;
  const name = `[${f.severity}] ${f.ruleId}${f.package ? ` ${f.package}` : ''}${where ? ` at ${where}` : ''}`;
  const classname = `${f.tool}${f.kind ? `.${f.kind}` : ''}`;
  const file = f.uri ? displayUri(f.uri) : undefined;
  if (f.suppressed) {
    counts.skipped++;
    const s = f.suppressions.find((x) => x.status === undefined || x.status === 'accepted');
    const why = `suppressed (${s?.kind ?? 'external'})${s?.justification ? `: ${s.justification}` : ''}${s?.expires ? ` — until ${s.expires}` : ''}`;
    return testcase(name, classname, file, `<skipped message="${attr(why)}"/>`);
  }
  if (violates(run, result)) {
    counts.failures++;
    return testcase(name, classname, file, `<failure message="${attr(f.message)}" type="${attr(f.severity)}">${text(details(f))}</failure>`);
  }
  return testcase(name, classname, file, `<system-out>${text(details(f))}</system-out>`);
}

function details(f: FindingView): string[] {
  const lines = [
    `${f.severity.toUpperCase()} ${f.ruleId}${f.ruleName && f.ruleName !== f.ruleId ? ` (${f.ruleName})` : ''} — ${f.tool}`,
    `Message: ${f.message}`,
    f.uri ? `Location: ${displayUri(f.uri)}${f.line ? `:${f.line}` : ''}` : '',
    f.url ? `URL: ${f.url}` : '',
    f.package ? `Package: ${f.package}` : '',
    f.fixedVersions.length ? `Fixed in: ${f.fixedVersions.join(', ')}` : f.package ? 'Fixed in: no fix available' : '',
    f.cwe.length ? `CWE: ${f.cwe.join(', ')}` : '',
    f.baselineState ? `Baseline: ${f.baselineState}` : '',
    f.helpUri ? `More: ${f.helpUri}` : '',
  ];
  return lines.filter(Boolean);
}

function suiteName(run: Run): string {
  const cat = (run.automationDetails?.id ?? '').replace(/\/$/, '');
  return `${run.tool.driver.name}${cat ? ` (${cat})` : ''}`;
}

function reasonName(r: Reason): string {
  return r.rule ?? r.code;
}

function reasonBody(r: Reason): string[] {
  const refs = (r.findings ?? []).map((f) => `- ${f.severity} ${f.ruleId}${f.package ? ` ${f.package}` : ''} [${f.tool}]${f.location ? ` ${displayUri(f.location)}${f.line ? `:${f.line}` : ''}` : ''}${f.fixedVersions?.length ? ` → fix: ${f.fixedVersions.join(', ')}` : ''}`);
  const more = (r.count ?? 0) - (r.findings?.length ?? 0);
  return [r.message, ...refs, ...(more > 0 ? [`… and ${more} more`] : [])];
}

function suite(name: string, c: { tests: number; failures: number; errors: number; skipped: number }, cases: string[]): string {
  return [`  <testsuite name="${attr(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="0">`, ...cases, '  </testsuite>'].join('\n');
}

function testcase(name: string, classname: string, file: string | undefined, body: string): string {
  const head = `    <testcase name="${attr(name)}" classname="${attr(classname)}"${file ? ` file="${attr(file)}"` : ''} time="0"`;
  return body ? `${head}>${body}</testcase>` : `${head}/>`;
}

/** Attribute values: one line, clipped (CI views show them as titles). */
function attr(s: string, max = 500): string {
  const one = s.replace(/\s+/g, ' ');
  return forXml(showInvisible(one.length > max ? `${one.slice(0, max - 1)}…` : one), { attribute: true });
}

/**
 * Element text from lines we compose. Each line is clipped (a 1 MB scanner message cannot bloat
 * the report) and a newline inside one becomes a character reference: only our own line breaks
 * are raw, so no scanner text starts a line of the file (`cat junit.xml` in a CI log cannot
 * emit a workflow command).
 */
function text(lines: string[], max = 4000): string {
  return lines.map((s) => forXml(showInvisible(s.length > max ? `${s.slice(0, max - 1)}…` : s)).replace(/\n/g, '&#10;')).join('\n');
}
