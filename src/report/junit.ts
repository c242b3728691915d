import type { Log, Result, Run } from 'sarif';
import { readVerdict, type Reason } from '../policy/verdict.js';
import { isSuppressed, runOptional, runSucceeded } from '../sarif/props.js';
import { forXml, showInvisible } from '../text/escape.js';
import { displayUri } from './console.js';
import { FindingViews, type FindingView } from './findings.js';
import type { Reporter } from './types.js';
import { violationTest } from './violations.js';
import { ERROR_CODES } from '../policy/evaluate.js';

export const junitReporter: Reporter = {
  format: 'junit',
  description: 'JUnit XML for CI test views (GitLab, Jenkins, Azure DevOps): a test suite per tool, a failing test per violating finding',
  extension: 'xml',
  render(log, opts) {
    return renderJunit(log, { failOn: opts.failOn });
  },
  chunks(log, opts) {
    return junitChunks(log, { failOn: opts.failOn });
  },
};

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
  return [...junitChunks(log, opts)].join('');
}

type Counts = { tests: number; failures: number; errors: number; skipped: number };

/**
 * renderJunit's text in pieces, from two lazy walks of the results: the header's totals and each
 * suite's counts come before its cases, so the first walk only counts (no finding view, no text)
 * and the second writes the cases one by one — a spooled log is read sequentially, never held.
 */
export function* junitChunks(log: Log, opts: { failOn?: Parameters<typeof violationTest>[1] } = {}): Generator<string> {
  const violates = violationTest(log, opts.failOn);
  const verdict = readVerdict(log);
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const add = (c: Counts) => {
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.skipped += c.skipped;
  };

  const runCounts = log.runs.map((run): Counts => {
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const scanner = scannerCase(run);
    if (scanner) {
      counts.tests++;
      counts[scanner.counts]++;
    }
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') continue;
      counts.tests++;
      const outcome = caseOutcome(run, result, violates);
      if (outcome !== 'passed') counts[outcome]++;
    }
    add(counts);
    return counts;
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
  add(pc);

  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="secgate" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="0">\n`;
  const views = new FindingViews();
  for (const [i, run] of log.runs.entries()) {
    const name = suiteName(run);
    yield suiteHead(name, runCounts[i]!);
    const scanner = scannerCase(run);
    if (scanner) yield `\n${testcase(`${name}: scanner run`, name, undefined, scanner.body)}`;
    for (const result of run.results ?? []) {
      if (result.baselineState === 'absent') continue;
      yield `\n${findingCase(views.of(run, result), caseOutcome(run, result, violates))}`;
    }
    yield `\n${SUITE_END}\n`;
  }
  yield `${[suiteHead('secgate policy', pc), ...policyCases, SUITE_END].join('\n')}\n`;
  yield '</testsuites>\n';
}

/** A scanner that did not complete: its testcase's body and the count it adds to (an optional one is skipped). */
function scannerCase(run: Run): { body: string; counts: 'errors' | 'skipped' } | undefined {
  if (runSucceeded(run)) return undefined;
  const note = run.invocations?.find((i) => i.executionSuccessful === false)?.toolExecutionNotifications?.[0]?.message.text ?? 'the scanner did not complete';
  return runOptional(run)
    ? { body: `<skipped message="${attr(`optional scanner failed: ${note}`)}"/>`, counts: 'skipped' }
    : { body: `<error message="${attr(`scanner failed: ${note}`)}" type="scanner-failed">${text([note])}</error>`, counts: 'errors' };
}

/** What a finding's testcase is: skipped (suppressed), a failure (violates the policy) or passed. */
function caseOutcome(run: Run, result: Result, violates: (run: Run, r: Result) => boolean): 'skipped' | 'failures' | 'passed' {
  return isSuppressed(result) ? 'skipped' : violates(run, result) ? 'failures' : 'passed';
}

function findingCase(f: FindingView, outcome: ReturnType<typeof caseOutcome>): string {
  const where = f.uri ? `${displayUri(f.uri)}${f.line ? `:${f.line}` : ''}` : f.url;
  const name = `[${f.severity}] ${f.ruleId}${f.package ? ` ${f.package}` : ''}${where ? ` at ${where}` : ''}`;
  const classname = `${f.tool}${f.kind ? `.${f.kind}` : ''}`;
  const file = f.uri ? displayUri(f.uri) : undefined;
  if (outcome === 'skipped') {
    const s = f.suppressions.find((x) => x.status === undefined || x.status === 'accepted');
    const why = `suppressed (${s?.kind ?? 'external'})${s?.justification ? `: ${s.justification}` : ''}${s?.expires ? ` — until ${s.expires}` : ''}`;
    return testcase(name, classname, file, `<skipped message="${attr(why)}"/>`);
  }
  if (outcome === 'failures') return testcase(name, classname, file, `<failure message="${attr(f.message)}" type="${attr(f.severity)}">${text(details(f))}</failure>`);
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

function suiteHead(name: string, c: Counts): string {
  return `  <testsuite name="${attr(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="0">`;
}

const SUITE_END = '  </testsuite>';

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
