/**
 * The spooled gate (src/cli/spool-gate.ts: each result judged by the ledger and written to a spool
 * file as it is built) must decide and write exactly what the in-memory gate (`gate()`) does.
 * Each case runs the BUILT CLI (`node dist/cli.js`, as CI starts it) in three modes — the default
 * (small inputs: in memory), SECGATE_SPOOL_ABOVE=0 (spooled) and SECGATE_STREAM_ABOVE=0 on top
 * (spooled, every JSON report streamed) — and compares: exit code, the `--json` verdict, the console
 * text, stderr, the SARIF data (pretty and lines layouts, object key order ignored), the
 * --report files byte for byte and the --history line (its time aside). Every run gets a fresh
 * TMPDIR that must be empty afterwards (the spool dir is removed).
 *
 * SECGATE_TEST_CLI=path/to/cli.js points the test at another build (e.g. .dist-<you>/cli.js).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, NO_CORPUS_REASON, SCHEMAS } from '../helpers/corpus.js';
import { hostileLog } from '../helpers/hostile.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = process.env['SECGATE_TEST_CLI'] ? resolve(process.env['SECGATE_TEST_CLI']) : join(ROOT, 'dist', 'cli.js');
const HAVE_CLI = existsSync(CLI);
const NO_CLI_REASON = `${CLI} not built: run the build first`;
const FIX = join(ROOT, 'fixtures');
const R = (f: string) => join(FIX, 'reports', f);
const C = (f: string) => join(CORPUS, f);
const BASE = mkdtempSync(join(tmpdir(), 'secgate-spooled-check-'));
// SECGATE_TEST_KEEP=1 keeps every case's directories (template, memory, spooled, streamed) to look at.
afterAll(() => (process.env['SECGATE_TEST_KEEP'] ? console.log(`kept ${BASE}`) : rmSync(BASE, { recursive: true, force: true })));

const MODES = {
  memory: {},
  spooled: { SECGATE_SPOOL_ABOVE: '0' },
  streamed: { SECGATE_SPOOL_ABOVE: '0', SECGATE_STREAM_ABOVE: '0' },
} satisfies Record<string, NodeJS.ProcessEnv>;
type Mode = keyof typeof MODES;

/** A day relative to today (UTC), as waivers write it: the built CLI reads the real clock. */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

// ---- running the built CLI ------------------------------------------------------------------

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
  /** What was left in the run's TMPDIR (must be nothing). */
  leftInTmp: string[];
}

/** Two cores shared with other test files: a few CLI processes at a time. */
const limit = (() => {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active >= 3) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
})();

let tmpCount = 0;
function spawnCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, tmp?: string): Promise<Spawned> {
  const TMPDIR = tmp ?? join(BASE, 'tmp', String(tmpCount++));
  if (!tmp) mkdirSync(TMPDIR, { recursive: true });
  return limit(
    () =>
      new Promise<Spawned>((done) => {
        // A clean environment: no CI variables (GitHub annotations would differ by machine), no colour.
        const childEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', TMPDIR, ...env };
        execFile(process.execPath, [CLI, ...args], { cwd, env: childEnv, maxBuffer: 256 * 2 ** 20, encoding: 'utf8' }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          const leftInTmp = existsSync(TMPDIR) && !tmp ? readdirSync(TMPDIR) : [];
          done({ code, stdout, stderr, leftInTmp });
        });
      }),
  );
}

// ---- cases ----------------------------------------------------------------------------------

interface Case {
  name: string;
  /** Needs ../shared/corpus. */
  corpus?: boolean;
  /** Report arguments (and flags), relative to the case's working directory or absolute. */
  args: string[];
  /** Files written into the working directory before the runs (name → content). */
  files?: Record<string, string>;
  /** Files copied into the working directory (name → source path). */
  copies?: Record<string, string>;
  /** More set-up in the working directory (a git repository, a baseline log). */
  setup?: (dir: string) => void;
  /** --report markdown/junit/html/codequality/compliance/console and --history on the --json run. */
  outputs?: boolean;
  /** More environment (given the working directory), and files it makes the CLI write there. */
  env?: (dir: string) => NodeJS.ProcessEnv;
  written?: string[];
  /** --sarif-layout of the --json run and of the console run (default pretty, lines). */
  layouts?: [string, string];
  /** The exit code in memory, when the case is about it. */
  code?: number;
  /** A difference found and reported, not yet fixed: the case is expected to fail until it is. */
  knownDifference?: string;
  /** What the in-memory run must show, so the case exercises it: per written file, or 'stdout' of the console run. */
  shows?: Record<string, RegExp[]>;
}

const REPORT_FILES = ['r.md', 'r.xml', 'r.html', 'r-cq.json', 'r-compliance.md', 'r.txt'];
const REPORT_ARGS = ['--report', 'markdown:r.md', '--report', 'junit:r.xml', '--report', 'html:r.html', '--report', 'codequality:r-cq.json', '--report', 'compliance:r-compliance.md', '--report', 'console:r.txt', '--history', 'history.jsonl'];

const thresholdsYml = `policy:
  fail_on:
    - { severity: critical, kinds: [container], fixable: true, max: 1 }
    - { tools: [trivy], severity: high, max: 5 }
    - { ids: ["CVE-2021-4*"], max: 100 }
    - { rules: ["javascript.*"], severity: high }
    - { cwes: [CWE-89, CWE-693], max: 3 }
    - { paths: ["src/**"], max: 10 }
    - { urls: ["https://shop.example.test/*"], severity: medium, max: 20 }
    - { packages: ["pkg:apk/alpine/busybox@*"], max: 50 }
    - { cvss: 9.5, max: 100 }
    - { epss: 0.01 }
    - { kev: true }
    - { new: true, severity: critical, max: 1000 }
    - { fixable: false, severity: [critical, high], max: 200 }
  warn_on:
    - { severity: medium }
    - { kinds: [dast, sast] }
    - { fixable: false, severity: high }
  require: { kinds: [container, sast] }
waivers:
  - { id: "CVE-2022-*", package: "pkg:apk/alpine/libcrypto1.1@*", reason: "FIPS module not loaded", expires: ${day(60)}, owner: ops, ticket: SEC-1 }
  - { id: GHSA-35jh-r3h4-6jhm, package: "pkg:npm/lodash@*", reason: "template() never sees user input", expires: ${day(5)}, owner: web-team }
  - { id: CVE-2021-36159, reason: "apk is not in the runtime image", expires: ${day(-10)} }
  - { id: CVE-1900-0001, reason: "matches nothing: stale", expires: ${day(30)} }
  - { rule: "javascript.lang.*", path: "src/**", reason: "format strings are constant", expires: ${day(90)} }
  - { url: "https://cdn.example.test/*", tool: ZAP, reason: "the CDN is someone else's", expires: ${day(90)} }
vex: [app.openvex.json]
`;

const openVex = JSON.stringify({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/spooled-check',
  author: 'Example AppSec',
  timestamp: '2026-11-20T09:00:00Z',
  version: 1,
  statements: [
    { vulnerability: { name: 'CVE-2022-48174' }, products: [{ '@id': 'pkg:apk/alpine/busybox@1.31.1-r9' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
    { vulnerability: { name: 'CVE-2022-37434' }, products: [{ '@id': 'pkg:apk/alpine/zlib@1.2.12-r1' }], status: 'under_investigation' },
    { vulnerability: { name: 'GHSA-xvch-5gv4-984h' }, products: [{ '@id': 'pkg:npm/minimist@1.2.5' }], status: 'not_affected', justification: 'component_not_present' },
    { vulnerability: { name: 'CVE-2021-30139' }, products: [{ '@id': 'pkg:apk/alpine/apk-tools' }], status: 'fixed' },
  ],
});

/** A Grype report changed the way a later scan would differ: one match gone, one added, one moved. */
function previousGrype(source: string): string {
  const report = JSON.parse(readFileSync(source, 'utf8')) as { matches: Record<string, any>[] };
  const [first, second, ...rest] = report.matches;
  const extra = structuredClone(second!);
  extra.vulnerability.id = 'CVE-2099-0001'; // fixed since: absent now
  const moved = structuredClone(second!);
  moved.artifact.locations = [{ path: '/usr/lib/moved/installed' }]; // updated (or new), as the gate sees it
  report.matches = [moved, ...rest, extra];
  void first; // not in the previous scan: new now
  return JSON.stringify(report);
}

function previousSemgrep(source: string): string {
  const log = JSON.parse(readFileSync(source, 'utf8')) as { runs: { results: Record<string, any>[] }[] };
  const results = log.runs[0]!.results;
  results[0]!.locations[0].physicalLocation.region.startLine += 7; // same finding, moved: updated
  log.runs[0]!.results = results.slice(0, 1); // the second one is new now
  return JSON.stringify(log);
}

const npmLock = (deps: Record<string, string>) =>
  JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0', dependencies: deps }, ...Object.fromEntries(Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v, license: 'MIT' }])) } }, null, 2);

function gitRepo(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  git('init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/app.js'), 'const x = 1;\neval(input);\nconsole.log(x);\n');
  writeFileSync(join(dir, 'package-lock.json'), npmLock({ lodash: '4.17.20' }));
  git('add', 'src', 'package-lock.json');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'src/app.js'), 'const x = 1;\neval(input);\nconsole.log(x);\n// new\neval(other);\n');
  writeFileSync(join(dir, 'package-lock.json'), npmLock({ lodash: '4.17.20', minimist: '1.2.5' }));
  git('commit', '-q', '-am', 'feature');
}

/** A SARIF log with what tools write and the gate decides: ruleIndex, baselineState, correlationGuid, rule, … */
function craftedSarif(variant: number, states = true): string {
  const loc = (uri: string, line: number) => ({ physicalLocation: { artifactLocation: { uri }, region: { startLine: line } } });
  const many = Array.from({ length: 1_001 }, (_, i) => loc(`src/gen/f${i % 7}.js`, i + 1));
  const results: Record<string, unknown>[] = [
    { ruleId: 'R1', ruleIndex: 1, level: 'error', message: { text: 'tainted sql' }, locations: [loc('src/db.js', 10 + variant)], baselineState: 'unchanged', correlationGuid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', partialFingerprints: { primaryLocationLineHash: 'abc:1' } },
    { ruleId: 'R0', ruleIndex: 0, rule: { id: 'R0', index: 0 }, level: 'warning', message: { text: 'weak hash' }, locations: [loc('src/hash.js', 3)], baselineState: 'new' },
    { rule: { id: 'R1' }, level: 'error', message: { text: 'rule member only' }, locations: [loc('src/x.js', 4)] },
    { ruleId: 'R2', ruleIndex: 2, level: 'note', message: { text: 'a thousand and one places' }, locations: many.slice(0, 1), relatedLocations: many.map((l, i) => ({ id: i + 1, ...l })) },
    { ruleId: 'R2', ruleIndex: 2, level: 'note', message: { text: 'too many locations' }, locations: many },
    { ruleId: 'R1', ruleIndex: 1, kind: 'pass', level: 'none', message: { text: 'checked, fine' }, locations: [loc('src/ok.js', 1)] },
    { ruleId: 'R1', ruleIndex: 1, level: 'error', message: { text: 'suppressed in source' }, locations: [loc('src/db.js', 40)], suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'test data' }] },
    ...(variant ? [{ ruleId: 'R0', ruleIndex: 0, level: 'warning', message: { text: 'gone since' }, locations: [loc('src/old.js', 9)] }] : []),
  ];
  if (!states) for (const r of results) delete r['baselineState'];
  const rules = [
    { id: 'R0', shortDescription: { text: 'Weak hash' }, properties: { tags: Array.from({ length: 25 }, (_, i) => `tag-${i}`), 'security-severity': '5.0' } },
    { id: 'R1', shortDescription: { text: 'SQL injection' }, properties: { tags: ['security', 'external/cwe/cwe-89'], 'security-severity': '8.8' } },
    { id: 'R2', shortDescription: { text: 'Many places' } },
  ];
  const extra = Array.from({ length: 22 }, (_, i) => ({
    tool: { driver: { name: `Tool ${i % 11}`, rules: [{ id: `T${i}` }] } },
    results: [{ ruleId: `T${i}`, ruleIndex: 0, level: i % 3 ? 'warning' : 'error', message: { text: `finding ${i}` }, locations: [loc(`lib/t${i}.js`, i + 1)], ...(i % 4 === 0 ? { correlationGuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } : {}) }],
  }));
  return JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [{ tool: { driver: { name: 'CodeScan', rules } }, results }, ...extra] });
}

/** One run of n small results over 40 rules. */
function bigSarif(n: number): string {
  const rules = Array.from({ length: 40 }, (_, i) => ({ id: `B${i}`, shortDescription: { text: `rule ${i}` } }));
  const levels = ['error', 'warning', 'note', 'none'];
  const results = Array.from({ length: n }, (_, i) => ({ ruleId: `B${i % 40}`, ruleIndex: i % 40, level: levels[i % 4], message: { text: `m${i}` }, locations: [{ physicalLocation: { artifactLocation: { uri: `src/f${i % 997}.c` }, region: { startLine: 1 + (i % 5000) } } }] }));
  return JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'BigScan', rules } }, results }] });
}

/**
 * Two tools' SARIF with 60 findings each in three levels, every rule of a level scored alike (ties in
 * severity and score everywhere: first sighting orders them), ScanB re-reporting half of ScanA's.
 * `variant` 1 is an earlier state (findings 15 … 74): against it 15 are new and 15 fixed.
 */
function tiedSarif(variant: 0 | 1): string {
  const levels = ['error', 'warning', 'note'] as const;
  const scores = { error: '8.1', warning: '5.5', note: '2.0' };
  const rules = Array.from({ length: 9 }, (_, r) => ({ id: `T${r}`, shortDescription: { text: `tied rule ${r}` }, properties: { 'security-severity': scores[levels[r % 3]!] } }));
  const finding = (i: number) => ({
    ruleId: `T${i % 9}`,
    ruleIndex: i % 9,
    level: levels[i % 3],
    message: { text: `tied finding ${i}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/m${i % 20}.js` }, region: { startLine: 1 + (i % 4) } } }],
  });
  const ids = Array.from({ length: 60 }, (_, i) => i + (variant ? 15 : 0));
  const run = (name: string, which: number[]) => ({ tool: { driver: { name, rules } }, results: which.map(finding) });
  return JSON.stringify({ version: '2.1.0', runs: [run('ScanA', ids), run('ScanB', ids.filter((i) => i % 2 === 0))] });
}

/** fixtures/policy/scenarios: each dir's files (dotfiles too) and the shared reports, its args. */
const SCENARIOS = join(FIX, 'policy', 'scenarios');
/** Scenarios the cases below already cover (the default policy's fail, require:, waivers in every state). */
const COVERED_SCENARIOS = new Set(['fail-default', 'require-container', 'waived-pass']);
const scenarioCases = (): Case[] =>
  readdirSync(SCENARIOS)
    .filter((name) => !COVERED_SCENARIOS.has(name))
    .sort()
    .map((name) => {
      const dir = join(SCENARIOS, name);
      const { args } = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as { args: string[] };
      const copies = Object.fromEntries(['grype-npm.json', 'semgrep.sarif'].map((f) => [f, join(FIX, 'policy', f)]));
      for (const f of readdirSync(dir)) if (f !== 'scenario.json') copies[f] = join(dir, f);
      return { name: `policy scenario ${name}`, args: args.slice(1), copies };
    });

const CASES: Case[] = [
  // 1. each format (corpus: real scanner outputs)
  { name: 'grype (corpus, 89 matches)', corpus: true, args: [C('grype/mitre/anchore_grype.json')] },
  { name: 'grype with EPSS and KEV (corpus)', corpus: true, args: [C('grype/grype-presenter/TestJsonImgsPresenter.golden'), C('grype/grype-presenter/TestJsonDirsPresenter.golden')] },
  { name: 'trivy: vulnerabilities, suppressed, secrets, misconfigurations (corpus)', corpus: true, args: ['trivy/trivy-integration/npm-with-suppressed.json.golden', 'trivy/trivy-integration/alpine-39.json.golden', 'trivy/trivy-integration/secrets.json.golden', 'trivy/trivy-integration/dockerfile.json.golden', 'trivy/trivy-report/old.json.golden'].map(C) },
  { name: 'zap json and xml (corpus)', corpus: true, args: [C('zap/mitre/webgoat.json'), C('zap/zap-extensions-reports/basic-traditional-xml-plus.xml'), C('zap/bcgov-bc-emli-vhers-scan/report_json.json')] },
  { name: 'sarif: Flawfinder (corpus) and Semgrep', corpus: true, args: [C('sarif/mitre/sarif_input.sarif'), R('semgrep.sarif'), R('zap-sarif.sarif')] },
  { name: 'sonarqube issues and hotspots (corpus)', corpus: true, args: ['sonarqube/sonarqube-server-examples/issue-ws-6669f13/search-example.json', 'sonarqube/sonarqube-server-examples/hotspot-ws-6ca1fa5/search-example.json', 'sonarqube/pixee-sonar-xxe-s2755/sonar-issues.json', 'sonarqube/defectdojo-api_sonarqube/issues.json'].map(C) },
  { name: 'sonarqube combined with a failed quality gate', args: [R('sonarqube-combined.json'), R('sonarqube-issues-2025.json')] },
  { name: 'npm audit v2 + grype + trivy of the same project (versionless npm findings join versioned ones)', args: [join(FIX, 'cross-tool', 'npm-audit.json'), join(FIX, 'cross-tool', 'grype.json'), join(FIX, 'cross-tool', 'trivy.json')] },
  { name: 'npm audit (corpus)', corpus: true, args: [C('npm_audit/defectdojo-npm_audit_7_plus/many_vulns.json'), R('npm-audit-v2-npm7.json')] },
  { name: 'wazuh api, indexer, alerts', corpus: true, args: [C('wazuh/defectdojo/v4-8_many_findings.json'), join(FIX, 'hardening', 'wazuh-api-4.7.json'), join(FIX, 'hardening', 'wazuh-indexer-4.8.json'), join(FIX, 'wazuh', 'alerts.json')] },
  // ASFF: PASSED controls are results of kind pass, level none (marked as each is built: the ledger judges them then)
  { name: 'asff (fixture)', args: [join(FIX, 'asff', 'securityhub-export.json')] },
  { name: 'asff with passed controls (corpus)', corpus: true, args: [C('asff/mitre/asff_sample.json'), C('asff/mitre/prowler-sample.asff-json')] },
  // 2. several reports at once, two (three) of the same tool
  { name: 'several reports, three Grype, two Trivy', corpus: true, args: [R('grype.json'), C('grype/mitre/anchore_grype.json'), C('grype/mitre/amazon.json'), R('trivy.json'), C('trivy/trivy-integration/alpine-39.json.golden'), R('semgrep.sarif'), R('zap-2.17-traditional.json'), join(FIX, 'policy', 'grype-npm.json')] },
  // 3. every threshold matcher, warn_on, waivers in every state, ignore files, OpenVEX; 6./7. reports and history
  {
    name: 'thresholds with every matcher, waivers, .trivyignore, .grype.yaml, OpenVEX', code: 1,
    corpus: true,
    args: [R('grype.json'), R('trivy.json'), R('semgrep.sarif'), R('zap-2.17-traditional.json'), C('grype/mitre/anchore_grype.json'), C('grype/grype-presenter/TestJsonImgsPresenter.golden'), join(FIX, 'policy', 'grype-npm.json')],
    files: {
      'secgate.yml': thresholdsYml,
      'app.openvex.json': openVex,
      '.trivyignore': '# accepted: SEC-7\nDS002 exp:2027-06-01\nCVE-2021-42386\n',
      '.grype.yaml': 'ignore:\n  - vulnerability: CVE-2021-3711\n    package:\n      name: libssl1.1\n    reason: "SM2 decryption is not used"\n',
    },
    outputs: true,
  },
  // 4. --baseline: a previous log from modified reports (some fixed, some new, some updated); two runs of one tool
  {
    name: '--baseline against a previous secgate log', code: 1,
    corpus: true,
    args: ['grype.json', 'anchore.json', 'semgrep.sarif', 'trivy.json', '--baseline', 'base.sarif'],
    copies: { 'grype.json': R('grype.json'), 'anchore.json': C('grype/mitre/anchore_grype.json'), 'semgrep.sarif': R('semgrep.sarif'), 'trivy.json': R('trivy.json') },
    files: { 'secgate.yml': 'policy:\n  fail_on: [ { severity: high, new: true } ]\n  warn_on: [ { severity: critical, new: false } ]\n' },
    setup: (dir) => {
      mkdirSync(join(dir, 'prev'));
      writeFileSync(join(dir, 'prev', 'grype.json'), previousGrype(R('grype.json')));
      writeFileSync(join(dir, 'prev', 'anchore.json'), previousGrype(C('grype/mitre/anchore_grype.json')));
      writeFileSync(join(dir, 'prev', 'semgrep.sarif'), previousSemgrep(R('semgrep.sarif')));
      // made by the CLI itself, in memory (small inputs), as a pipeline would have
      execFileSync(process.execPath, [CLI, 'baseline', 'prev/grype.json', 'prev/anchore.json', 'prev/semgrep.sarif', R('trivy.json'), '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } });
    },
    outputs: true,
  },
  {
    name: '--baseline, new-code-only preset, nothing new (pass)', code: 0,
    args: ['grype-npm.json', 'semgrep.sarif', '--baseline', 'base.sarif'],
    copies: { 'grype-npm.json': join(FIX, 'policy', 'grype-npm.json'), 'semgrep.sarif': join(FIX, 'policy', 'semgrep.sarif') },
    files: { 'secgate.yml': 'extends: new-code-only\n' },
    setup: (dir) => execFileSync(process.execPath, [CLI, 'baseline', 'grype-npm.json', 'semgrep.sarif', '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } }),
  },
  {
    name: '--diff-base on a git repository', code: 1,
    args: ['grype.json', 'semgrep.sarif', '--diff-base', 'main'],
    copies: { 'grype.json': join(FIX, 'policy', 'grype-npm.json'), 'semgrep.sarif': join(FIX, 'policy', 'semgrep.sarif') },
    files: { 'secgate.yml': 'policy:\n  fail_on: [ { severity: high, new: true } ]\n' },
    setup: gitRepo,
    outputs: true,
  },
  // SARIF inputs with the members the gate decides (ruleIndex, baselineState, correlationGuid), a
  // rule member, over 1,000 locations, over 20 tags on a rule and over 20 runs: GitHub's limits
  { name: 'sarif with ruleIndex, correlationGuid, rule members, GitHub limits', files: { 'crafted.sarif': craftedSarif(0, false) }, args: ['crafted.sarif'] },
  {
    name: 'sarif whose results carry their own baselineState, no --baseline (the console counts them)',
    files: { 'crafted.sarif': craftedSarif(0) },
    args: ['crafted.sarif'],
  },
  {
    name: 'sarif with decided members, against a --baseline',
    files: { 'crafted.sarif': craftedSarif(0), 'prev.sarif': craftedSarif(1), 'secgate.yml': 'policy:\n  fail_on: [ { new: true, severity: medium } ]\n' },
    setup: (dir) => execFileSync(process.execPath, [CLI, 'baseline', 'prev.sarif', '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } }),
    args: ['crafted.sarif', '--baseline', 'base.sarif'],
    outputs: true,
  },
  // over 25,000 results in a run (GitHub's limit: the run is split) and the auto layout (lines above 10,000)
  { name: '26,000 results in one run, auto layout', files: { 'big.sarif': bigSarif(26_000) }, args: ['big.sarif'], layouts: ['auto', 'lines'] },
  // GitHub Actions: annotations on stdout, the job summary and the step outputs come from the log read back
  {
    name: 'in GitHub Actions: annotations, job summary, step outputs',
    args: [R('grype.json'), R('trivy.json'), R('semgrep.sarif'), R('zap-2.17-traditional.json')],
    env: (dir) => ({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'outputs.txt'), GITHUB_WORKSPACE: dir }),
    written: ['summary.md', 'outputs.txt'],
  },
  // GitHub Actions against a baseline, the log walked as it is (spooled: never read back whole):
  // more than 10 annotations a level with tied severities and scores (order and the hidden count),
  // the summary's new and fixed tables past their 10 rows
  {
    name: 'in GitHub Actions against a --baseline: tied annotations, new and fixed tables',
    code: 1,
    files: { 'now.sarif': tiedSarif(0), 'prev.sarif': tiedSarif(1), 'secgate.yml': 'policy:\n  fail_on: [ { new: true, severity: high } ]\n' },
    setup: (dir) => execFileSync(process.execPath, [CLI, 'baseline', 'prev.sarif', '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } }),
    args: ['now.sarif', '--baseline', 'base.sarif', '--comment'],
    env: (dir) => ({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'outputs.txt'), GITHUB_WORKSPACE: dir }),
    written: ['summary.md', 'outputs.txt'],
    shows: {
      stdout: [/^::error file=src\/m\d+\.js,line=\d,title=high T0 \[ScanA\]/m, /^::notice title=secgate::\d+ more findings are not annotated/m],
      'summary.md': [/^New findings:$/m, /^_… and \d+ more new\._$/m, /^Fixed:$/m, /^_… and \d+ more fixed\._$/m],
    },
  },
  // actions (dry run: what they would do is embedded in the log), --quiet, a user --sarif-schema (the log checked materialised)
  {
    name: 'actions dry run, --quiet',
    args: [join(FIX, 'wazuh', 'alerts.json'), R('grype.json'), '--quiet'],
    files: { 'secgate.yml': 'version: 1\nactions:\n  - name: notify\n    when: { severity: high }\n    webhook: { url: "http://127.0.0.1:9/hooks/secgate" }\n  - name: all\n    when: {}\n    webhook: { url: "http://127.0.0.1:9/hooks/all" }\n' },
    outputs: true,
  },
  { name: '--sarif-schema with the SARIF 2.1.0 schema', corpus: true, args: [R('grype.json'), R('semgrep.sarif'), '--sarif-schema', join(SCHEMAS, 'sarif-schema-2.1.0.json')] },
  // user schemas the log breaks: one checked result by result (spooled texts one at a time), one on a run's results as a whole (materialised)
  {
    name: '--sarif-schema checked result by result, a result breaks it',
    code: 2,
    files: {
      'crafted.sarif': craftedSarif(0, false),
      'schema.json': JSON.stringify({ type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: { $ref: '#/definitions/run' } } }, definitions: { run: { type: 'object', properties: { results: { type: 'array', items: { $ref: '#/definitions/result' } } } }, result: { type: 'object', properties: { message: { type: 'object', properties: { text: { maxLength: 24 } } } } } } }),
    },
    args: ['crafted.sarif', R('semgrep.sarif'), '--sarif-schema', 'schema.json'],
  },
  {
    name: '--sarif-schema on a run\'s results as a whole, the log breaks it',
    code: 2,
    files: { 'schema.json': JSON.stringify({ type: 'object', properties: { runs: { type: 'array', items: { type: 'object', properties: { results: { type: 'array', maxItems: 50 } } } } } }) },
    corpus: true,
    args: [R('semgrep.sarif'), C('grype/mitre/anchore_grype.json'), '--sarif-schema', 'schema.json'],
  },
  // unreadable reports: exit 2, one line per report, no log, the spool removed
  {
    name: 'a truncated Grype report and a truncated SARIF log beside a good one', code: 2,
    args: ['truncated.json', 'truncated.sarif', R('trivy.json')],
    files: { 'truncated.json': readFileSync(R('grype.json'), 'utf8').slice(0, 3000), 'truncated.sarif': readFileSync(R('semgrep.sarif'), 'utf8').slice(0, 2500) },
  },
  // a tool in the baseline that did not run this time fixed nothing; reports listed in secgate.yml, one with a forced format
  {
    name: '--baseline with a tool that did not run; reports from secgate.yml',
    args: ['--baseline', 'base.sarif'],
    copies: { 'grype.json': R('grype.json'), 'semgrep.sarif': R('semgrep.sarif'), 'scan-output.txt': R('trivy.json') },
    files: { 'secgate.yml': 'reports:\n  - grype.json\n  - { path: scan-output.txt, format: trivy }\npolicy:\n  fail_on: [ { severity: high, new: true } ]\n' },
    setup: (dir) => {
      writeFileSync(join(dir, 'prev-grype.json'), previousGrype(R('grype.json')));
      execFileSync(process.execPath, [CLI, 'baseline', 'prev-grype.json', 'semgrep.sarif', '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } });
    },
  },
  // the same report twice (duplicate fingerprints in two runs of one tool) against a baseline of one copy
  {
    name: 'one report twice against a baseline of one copy',
    args: ['a.json', 'b.json', '--baseline', 'base.sarif'],
    copies: { 'a.json': join(FIX, 'cross-tool', 'grype.json'), 'b.json': join(FIX, 'cross-tool', 'grype.json') },
    setup: (dir) => execFileSync(process.execPath, [CLI, 'baseline', 'a.json', '-o', 'base.sarif'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env['PATH'], NO_COLOR: '1' } }),
  },
  ...scenarioCases(),
  // hostile text (workflow commands, terminal sequences, lone surrogates, a 1 MB line) through every sink
  {
    name: 'hostile text through the console, reports, history and GitHub Actions',
    files: { 'hostile.sarif': JSON.stringify(hostileLog()) },
    args: ['hostile.sarif'],
    env: (dir) => ({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'outputs.txt'), GITHUB_WORKSPACE: dir }),
    written: ['summary.md', 'outputs.txt'],
    outputs: true,
  },
  // unknown severities taken as high, a failed quality gate only warned about
  {
    name: 'unknown_severity: high, quality_gate: warn',
    corpus: true,
    args: [C('grype/mitre/anchore_grype.json'), R('sonarqube-combined.json')],
    files: { 'secgate.yml': 'policy:\n  unknown_severity: high\n  quality_gate: warn\n  explain_top: 3\n  fail_on: [ { severity: high, max: 1000 } ]\n' },
  },
  // a pass over many tools: the console's top findings are drawn from every run (ties broken the same way)
  {
    name: 'pass over many tools: the top findings across runs',
    corpus: true,
    code: 0,
    args: [R('grype.json'), C('grype/mitre/anchore_grype.json'), R('trivy.json'), C('trivy/trivy-integration/alpine-39.json.golden'), R('semgrep.sarif'), R('zap-2.17-traditional.json'), C('zap/mitre/webgoat.json'), R('sonarqube-issues-2025.json')],
    files: { 'secgate.yml': 'policy:\n  fail_on: []\n  warn_on: [ { severity: critical } ]\n' },
    outputs: true,
  },
  // 5. a pass (the console lists the top findings), a fail, an error (require: rejects)
  { name: 'pass with findings: the top findings listed', code: 0, corpus: true, args: [C('grype/mitre/anchore_grype.json'), R('semgrep.sarif')], files: { 'secgate.yml': 'policy:\n  fail_on: [ { severity: critical, max: 1000 } ]\n' }, outputs: true },
  { name: 'pass with no findings', code: 0, corpus: true, args: [C('grype/defectdojo/no_vuln.json')], outputs: true },
  { name: 'fail (default policy)', code: 1, args: [R('grype.json'), R('trivy.json'), R('semgrep.sarif')], outputs: true },
  { name: 'error: a required container scan is missing', code: 2, args: [R('semgrep.sarif'), R('zap-2.17-traditional.json')], files: { 'secgate.yml': 'policy:\n  require: { kinds: [container] }\n' }, outputs: true },
  { name: 'waived pass, expiring and stale waivers (.secgate-waivers.yml)', code: 0, args: ['grype-npm.json'], copies: { 'grype-npm.json': join(FIX, 'policy', 'grype-npm.json') }, files: { 'secgate.yml': `policy:\n  fail_on:\n    - { severity: high, kinds: [sca, container] }\nwaivers:\n  - { id: GHSA-35jh-r3h4-6jhm, package: "pkg:npm/lodash@*", reason: "template() is never called with user input", expires: ${day(120)}, owner: web-team, ticket: SEC-101 }\n  - { id: GHSA-xvch-5gv4-984h, package: "pkg:npm/minimist", version: "<1.2.6", reason: "CLI-only", expires: ${day(3)} }\n  - { id: CVE-2019-10744, reason: "fixed long ago", expires: ${day(100)} }\n` }, outputs: true },
];

// ---- one case, every mode -------------------------------------------------------------------

interface ModeOutcome {
  json: Spawned;
  /** The console run (not in the streamed mode: "once more" is the --json run). */
  text?: Spawned;
  /** Parsed and key-sorted SARIF of each run (undefined: not written). */
  pretty?: unknown;
  lines?: unknown;
  /** Report files as written (cwd replaced), undefined when absent. */
  reports: Record<string, string | undefined>;
  /** History lines without their time. */
  history?: unknown[];
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]));
  return x;
}

/** The working directory differs by mode: its path is the only text allowed to differ. */
const norm = (text: string, dir: string) => text.replaceAll(dir, '<cwd>');
/** GitHub's stop-commands token is random per run. */
const normStdout = (text: string, dir: string) => norm(text, dir).replace(/^::(stop-commands::)?[0-9a-f-]{36}(::)?$/gm, '::$1<token>$2');
const readIf = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const sarifOf = (path: string, dir: string) => {
  const text = readIf(path);
  return text === undefined ? undefined : sortKeys(JSON.parse(norm(text, dir)));
};

function prepare(c: Case): string {
  const template = join(BASE, 'cases', c.name.replace(/[^a-z0-9]+/gi, '-'), 'template');
  mkdirSync(template, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(template, name), text);
  for (const [name, from] of Object.entries(c.copies ?? {})) cpSync(from, join(template, name));
  c.setup?.(template);
  return template;
}

async function runMode(c: Case, template: string, mode: Mode): Promise<ModeOutcome> {
  const dir = join(template, '..', mode);
  cpSync(template, dir, { recursive: true });
  const env = { ...MODES[mode], ...c.env?.(dir) };
  const [first, second] = c.layouts ?? ['pretty', 'lines'];
  const json = await spawnCli(['check', ...c.args, '--json', '--sarif', 'out-pretty.sarif', '--sarif-layout', first, ...(c.outputs ? REPORT_ARGS : [])], dir, env);
  const written = Object.fromEntries((c.written ?? []).map((f) => [f, ((t) => (t === undefined ? t : norm(t, dir).replace(/ghadelimiter_[0-9a-f-]+/g, 'ghadelimiter_<uuid>')))(readIf(join(dir, f)))]));
  const text = mode === 'streamed' ? undefined : await spawnCli(['check', ...c.args, '--sarif', 'out-lines.sarif', '--sarif-layout', second], dir, env);
  const history = readIf(join(dir, 'history.jsonl'));
  for (const s of text ? [json, text] : [json]) {
    s.stdout = normStdout(s.stdout, dir);
    s.stderr = normStdout(s.stderr, dir);
  }
  return {
    json,
    text,
    pretty: sarifOf(join(dir, 'out-pretty.sarif'), dir),
    lines: sarifOf(join(dir, 'out-lines.sarif'), dir),
    reports: { ...Object.fromEntries(REPORT_FILES.map((f) => [f, ((t) => (t === undefined ? t : norm(t, dir)))(readIf(join(dir, f)))])), ...written },
    history: history
      ?.split('\n')
      .filter(Boolean)
      .map((l) => {
        const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      }),
  };
}

const verdictOf = (s: Spawned) => {
  try {
    return JSON.parse(s.stdout) as unknown;
  } catch {
    return `(not JSON) ${s.stdout}`;
  }
};

function expectSame(memory: ModeOutcome, other: ModeOutcome, mode: Mode): void {
  const m = `${mode} vs in memory`;
  expect(other.json.code, `${m}: exit code (--json); stderr: ${other.json.stderr}`).toBe(memory.json.code);
  expect(verdictOf(other.json), `${m}: the --json verdict`).toStrictEqual(verdictOf(memory.json));
  expect(other.json.stderr.split('\n'), `${m}: stderr lines (--json run: the table)`).toStrictEqual(memory.json.stderr.split('\n'));
  if (other.text) {
    expect(other.text.code, `${m}: exit code; stderr: ${other.text.stderr}`).toBe(memory.text!.code);
    expect(other.text.stdout, `${m}: console stdout`).toBe(memory.text!.stdout);
    expect(other.text.stderr.split('\n'), `${m}: stderr lines`).toStrictEqual(memory.text!.stderr.split('\n'));
    expect(other.lines, `${m}: SARIF data, lines layout`).toStrictEqual(memory.lines);
  }
  expect(other.pretty !== undefined, `${m}: a pretty SARIF log written`).toBe(memory.pretty !== undefined);
  expect(other.pretty, `${m}: SARIF data, pretty layout`).toStrictEqual(memory.pretty);
  for (const f of Object.keys(memory.reports)) expect(other.reports[f], `${m}: ${f}, byte for byte`).toBe(memory.reports[f]);
  expect(other.history, `${m}: --history line (time aside)`).toStrictEqual(memory.history);
  for (const s of [other.json, other.text, memory.json, memory.text]) if (s) expect(s.leftInTmp, `${m}: TMPDIR empty after the run`).toEqual([]);
}

describe.skipIf(!HAVE_CLI)(`secgate check: spooled and streamed give what in memory gives${HAVE_CLI ? '' : ` (skipped: ${NO_CLI_REASON})`}`, () => {
  for (const c of CASES) {
    const skip = c.corpus && !HAVE_CORPUS;
    // A known difference (reported) fails its case; it.fails keeps the suite green until it is fixed, then says so.
    const test = skip ? it.skip : c.knownDifference ? it.concurrent.fails : it.concurrent;
    test(`${c.name}${c.knownDifference ? ` (known difference: ${c.knownDifference})` : ''}${skip ? ` (skipped: ${NO_CORPUS_REASON})` : ''}`, { timeout: 180_000 }, async () => {
      const template = prepare(c);
      const [memory, spooled, streamed] = await Promise.all([runMode(c, template, 'memory'), runMode(c, template, 'spooled'), runMode(c, template, 'streamed')]);
      // the case means something: a verdict was reached or refused, a log written unless refused before
      expect([0, 1, 2], memory.json.stderr).toContain(memory.json.code);
      if (c.code !== undefined) expect(memory.json.code, memory.json.stderr).toBe(c.code);
      if (memory.json.code !== 2 || c.name.startsWith('error:')) expect(memory.pretty, memory.json.stderr).toBeDefined();
      for (const [what, patterns] of Object.entries(c.shows ?? {})) {
        const text = what === 'stdout' ? memory.text?.stdout : memory.reports[what];
        for (const p of patterns) expect(text, `${what} shows ${p}`).toMatch(p);
      }
      expectSame(memory, spooled, 'spooled');
      expectSame(memory, streamed, 'streamed');
    });
  }
});

describe.skipIf(!HAVE_CLI)(`an unusable TMPDIR on the spooled path${HAVE_CLI ? '' : ` (skipped: ${NO_CLI_REASON})`}`, () => {
  it('is exit 2 with one line and no SARIF log; in memory the same TMPDIR is never touched', async () => {
    const dir = join(BASE, 'bad-tmp');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    writeFileSync(join(dir, 'previous.sarif'), 'previous run');
    const badTmps = [join(dir, 'a-file', 'tmp'), join(dir, 'missing', 'tmp')];
    const args = ['check', R('grype.json'), R('trivy.json'), '--sarif', 'previous.sarif'];
    for (const tmp of badTmps) {
      const [spooled, memory] = await Promise.all([spawnCli(args, dir, MODES.spooled, tmp), spawnCli([...args.slice(0, -1), 'mem.sarif'], dir, {}, tmp)]);
      expect(spooled.code, spooled.stderr).toBe(2);
      expect(spooled.stdout).toBe('');
      const lines = spooled.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^secgate: error: /);
      expect(lines[0]).toContain(tmp);
      expect(lines[0]).not.toMatch(/\n\s+at /);
      expect(readFileSync(join(dir, 'previous.sarif'), 'utf8')).toBe('previous run');
      expect(memory.code, memory.stderr).toBe(1);
    }
  });
});

describe.skipIf(!HAVE_CLI || process.platform !== 'linux')(`a spooled check stopped by a signal${HAVE_CLI ? (process.platform === 'linux' ? '' : ' (skipped: reads /proc/<pid>/fd, Linux only)') : ` (skipped: ${NO_CLI_REASON})`}`, () => {
  // CI sends SIGTERM on a timeout or a cancelled job, a terminal SIGINT; neither runs an exit
  // handler. The spool's files are unlinked as soon as they are open (and its dir removed), so the
  // kernel frees them however the process ends: nothing may be left in TMPDIR.
  it.each(['SIGTERM', 'SIGINT'] as const)('%s while results are being spooled leaves nothing in TMPDIR', async (signal) => {
    const dir = join(BASE, `signal-${signal}`);
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(dir, 'big.sarif'), bigSarif(60_000));
    const child = spawn(process.execPath, [CLI, 'check', 'big.sarif', '--sarif', 'out.sarif', '-q'], { cwd: dir, env: { PATH: process.env['PATH'], NO_COLOR: '1', TMPDIR: tmp, SECGATE_SPOOL_ABOVE: '0' }, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    // As soon as a spool file is in use (an unlinked file under TMPDIR among the process's fds), stop the run.
    const spooling = () => {
      try {
        return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
          try {
            const target = readlinkSync(`/proc/${child.pid}/fd/${fd}`);
            return target.startsWith(join(tmp, 'secgate-spool-')) && target.endsWith(' (deleted)');
          } catch {
            return false;
          }
        });
      } catch {
        return false;
      }
    };
    let sent = false;
    while (!sent) {
      if (child.exitCode !== null) break;
      // Open, already unlinked, its dir already removed (the few microseconds between the three are not aimed at).
      if (spooling() && readdirSync(tmp).length === 0) sent = child.kill(signal);
      else await new Promise((r) => setTimeout(r, 2));
    }
    await exited;
    expect(sent, 'the run was stopped while spooling').toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
