/**
 * Hostile text end to end: the strings of test/helpers/hostile.ts are put into REAL report formats
 * (a Grype, Trivy, ZAP and SARIF report generated here from the fixtures' shapes) as package
 * names, versions, URLs and URL parameters, rule ids, messages, file paths and tool names, then
 * `secgate check` runs as in GitHub Actions (annotations, job summary, step outputs, sticky PR
 * comment to a local API) and in GitLab CI (MR note), writing every report format. Each sink is
 * checked for what would make the text live there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Log } from 'sarif';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { HOSTILE, LIVE, ONE_MB_LINE } from '../helpers/hostile.js';
import { sarifProblems } from '../helpers/sarif-schema.js';
import { fakeApis, json } from '../publish/fake-api.js';
import { liveCommands, parseCommand, parseOutputFile } from '../publish/workflow-commands.js';
import { FIXTURES } from '../runners/fakes.js';

const REPORTS = join(FIXTURES, 'reports');
const fixture = (name: string) => JSON.parse(readFileSync(join(REPORTS, name), 'utf8'));
/** The strings, with the 1 MB line kept to the fields where one long value is realistic. */
const SHORT = HOSTILE.filter((h) => h.value !== ONE_MB_LINE);
/** Percent-encoded as a real tool would (a lone surrogate cannot be encoded: it goes in raw, as a broken tool would write it). */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
};

function hostileGrype(): unknown {
  const doc = fixture('grype.json');
  const t = doc.matches[0];
  doc.matches = SHORT.map((h, i) => {
    const m = structuredClone(t);
    m.vulnerability.id = `CVE-2024-${1000 + i}`;
    m.vulnerability.description = h.value;
    m.vulnerability.urls = [`https://nvd.example/${enc(h.value.slice(0, 40))}?q=${h.value.slice(0, 40)}`];
    m.vulnerability.fix.versions = [h.value.slice(0, 60)];
    m.relatedVulnerabilities = [];
    m.artifact.name = h.value;
    m.artifact.version = `1.0.${i}`;
    m.artifact.purl = `pkg:npm/${enc(h.value.slice(0, 60))}@1.0.${i}`;
    m.artifact.locations = [{ path: `/app/${h.value.slice(0, 80)}/package.json` }];
    m.matchDetails[0].found.vulnerabilityID = m.vulnerability.id;
    return m;
  });
  return doc;
}

function hostileTrivy(): unknown {
  const doc = fixture('trivy.json');
  const r = doc.Results[0];
  const t = r.Vulnerabilities[0];
  r.Target = 'app/package-lock.json\n::error::forged target';
  r.Vulnerabilities = SHORT.map((h, i) => ({
    ...structuredClone(t),
    VulnerabilityID: `CVE-2025-${2000 + i}`,
    PkgID: `${h.value.slice(0, 60)}@2.0.${i}`,
    PkgName: h.value,
    PkgIdentifier: { PURL: `pkg:npm/${enc(h.value.slice(0, 60))}@2.0.${i}` },
    InstalledVersion: `2.0.${i}`,
    FixedVersion: h.value.slice(0, 60),
    PrimaryURL: `https://avd.example/${h.value.slice(0, 40)}`,
    Title: h.value,
    Description: i === 0 ? ONE_MB_LINE : h.value,
  }));
  return doc;
}

function hostileZap(): unknown {
  const doc = fixture('zap-2.17-traditional.json');
  const site = doc.site[0];
  const t = site.alerts[0];
  site.alerts = SHORT.map((h, i) => ({
    ...structuredClone(t),
    pluginid: String(40000 + i),
    alertRef: String(40000 + i),
    alert: h.value,
    name: h.value,
    riskcode: String(i % 4),
    desc: `<p>${h.value}</p>`,
    solution: h.value,
    instances: [{ uri: `https://shop.example.test/search?q=${enc(h.value.slice(0, 100))}&raw=${h.value.slice(0, 50).replace(/[\s#]/g, '')}`, method: 'GET', param: h.value.slice(0, 100), attack: h.value, evidence: h.value, otherinfo: h.value }],
  }));
  return doc;
}

function hostileSarif(): unknown {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'evil<b>@tool</b>\u001b]0;title\u0007 ::set-output name=x::y', version: '1.0', rules: SHORT.map((h, i) => ({ id: `R${i}/${h.value.slice(0, 60)}`, shortDescription: { text: h.value }, properties: { tags: ['security', h.value.slice(0, 40)] } })) } },
        results: SHORT.map((h, i) => ({
          ruleId: `R${i}/${h.value.slice(0, 60)}`,
          level: 'error',
          message: { text: i === 1 ? ONE_MB_LINE : h.value },
          locations: [{ physicalLocation: { artifactLocation: { uri: `src/${enc(h.value.slice(0, 60))}.js` }, region: { startLine: i + 1, snippet: { text: h.value } } } }],
          partialFingerprints: { 'primaryLocationLineHash/v1': `h${i}` },
        })),
      },
    ],
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const server = fakeApis(afterEach);

let inputs: string[] = [];
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-hostile-in-'));
  dirs.push(dir);
  inputs = [
    ['grype.json', hostileGrype()],
    ['trivy.json', hostileTrivy()],
    ['zap.json', hostileZap()],
    ['tool.sarif', hostileSarif()],
  ].map(([name, doc]) => {
    const p = join(dir, name as string);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  });
});

/** What no non-terminal text sink may carry. */
function expectInertText(sink: string, text: string): void {
  expect(text, `${sink}: ESC`).not.toMatch(LIVE.esc);
  expect(text, `${sink}: C1 control`).not.toMatch(LIVE.c1);
  expect(text, `${sink}: bidi override`).not.toMatch(LIVE.bidi);
  expect(text, `${sink}: NUL`).not.toMatch(LIVE.nul);
  expect(text, `${sink}: lone surrogate`).not.toMatch(LIVE.loneSurrogate);
}

/** Markdown for GitHub / GitLab: no raw tag from data, no live mention, no hostile link target. */
function expectInertMarkdown(sink: string, md: string): void {
  expectInertText(sink, md);
  // Code spans and fences show their content literally: text there is inert by construction.
  const prose = md.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
  const own = prose.replace(/<!-- secgate:[\w:-]+ -->/g, '').replace(/<\/?(details|summary|br|sub|sup|code|b|strong|em|table|thead|tbody|tr|th|td|p)>/g, '');
  // A backslash-escaped `\<` or an entity is text; a bare `<tag` from data would be HTML.
  const tag = /(?<!\\)<(script|img|iframe|svg|a|!--|!DOCTYPE|\/script)[^\n]{0,60}/i.exec(own);
  expect(tag?.[0], `${sink}: raw HTML from data: ${own.slice(Math.max(0, (tag?.index ?? 0) - 80), (tag?.index ?? 0) + 80)}`).toBeUndefined();
  expect(prose, `${sink}: live @mention`).not.toMatch(/(^|[\s(])@octocat\b/m);
  expect(prose, `${sink}: live team mention`).not.toMatch(/(^|[\s(])@org\/team\b/m);
  expect(prose, `${sink}: markdown link to evil`).not.toMatch(/\]\(https:\/\/evil\.example/);
  expect(prose, `${sink}: bare autolink to evil`).not.toMatch(/<https:\/\/evil\.example\/>|(^|\s)https:\/\/evil\.example/m);
  // The hostile text did reach the sink (as code or escaped), so the checks above are not vacuous.
  expect(md).toMatch(/evil|octocat|pwned|set-output/);
}

describe('hostile text through every sink, from real report formats', () => {
  let gh: { r: CliRun; dir: string; comment: string } | undefined;

  beforeAll(async () => {
    const api = await (await import('../publish/fake-api.js')).fakeApi((req, res) => {
      if (req.method === 'GET') return json(res, 200, []);
      return json(res, 201, { id: 1, html_url: 'https://github.com/acme/shop/pull/42#issuecomment-1' });
    });
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-hostile-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'summary.md'), '');
    writeFileSync(join(dir, 'output.txt'), '');
    const env = {
      GITHUB_ACTIONS: 'true', GITHUB_API_URL: api.base, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(FIXTURES, 'github', 'pull_request.json'), GITHUB_TOKEN: 'ghs_hostiletesttoken0123456789',
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_RUN_ID: '1', GITHUB_WORKSPACE: dir,
    };
    const reports = ['markdown:report.md', 'junit:junit.xml', 'codequality:codequality.json', 'html:report.html', 'console:console.txt'].flatMap((r) => ['--report', r]);
    const r = await runCli(['check', ...inputs, '--sarif', 'secgate.sarif', ...reports, '--comment'], { cwd: dir, env });
    const post = api.requests.find((q) => q.method === 'POST' || q.method === 'PATCH');
    await api.close();
    gh = { r, dir, comment: post ? (JSON.parse(post.body) as { body: string }).body : '' };
  }, 60_000);

  const file = (name: string) => readFileSync(join(gh!.dir, name), 'utf8');

  it('the gate itself still decides: exit 1 (policy violated), the comment was posted', () => {
    expect(gh!.r.code, gh!.r.stderr.slice(0, 2000)).toBe(1);
    expect(gh!.comment).toMatch(/^<!-- secgate:comment -->/);
  });

  it('console (plain, non-TTY stdout and stderr): inert, no workflow command but secgate\'s own', () => {
    for (const [sink, text] of [['stdout', gh!.r.stdout], ['stderr', gh!.r.stderr]] as const) {
      expectInertText(sink, text);
      for (const line of liveCommands(text)) {
        const cmd = parseCommand(line);
        // secgate's own annotations and groups; never an output, mask, env or state command.
        expect(['error', 'warning', 'notice', 'group', 'endgroup'], `${sink}: live command ${line.slice(0, 200)}`).toContain(cmd?.name);
        expect(line).not.toMatch(/##\[/);
      }
    }
    // One annotation line per finding at most (a hostile newline cannot add lines of its own).
    const annotations = liveCommands(gh!.r.stdout).filter((l) => /^::(error|warning|notice)/.test(l));
    expect(annotations.length).toBeLessThanOrEqual(4 * SHORT.length + 5);
  });

  it('$GITHUB_OUTPUT: only secgate\'s keys, values unchanged by data', () => {
    const outputs = parseOutputFile(file('output.txt'));
    for (const key of Object.keys(outputs)) expect(key).toMatch(/^[a-z][a-z0-9_-]*$/);
    expect(outputs['verdict'] ?? outputs['status'] ?? 'fail').toMatch(/^fail$/);
    expect(Object.keys(outputs)).not.toContain('x');
  });

  it('job summary ($GITHUB_STEP_SUMMARY) and the PR comment body: inert markdown', () => {
    expectInertMarkdown('job summary', file('summary.md'));
    expectInertMarkdown('PR comment', gh!.comment);
    expect(gh!.comment.length).toBeLessThanOrEqual(65_536);
  });

  it('markdown report: inert', () => {
    expectInertMarkdown('markdown report', file('report.md'));
  });

  it('console report file: inert text', () => {
    expectInertText('console report', file('console.txt'));
    expect(file('console.txt')).not.toMatch(/^::/m);
  });

  it('JUnit XML: well-formed, inert, and the text round-trips escaped', () => {
    const xml = file('junit.xml');
    expectInertText('junit', xml);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/<script/i);
    expect(xml).not.toMatch(/<!DOCTYPE/i);
    const doc = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(xml) as unknown;
    const all = JSON.stringify(doc);
    // Data comes back as data: the script tag is text inside an element, not an element.
    expect(all).toContain('<script>window.__pwned=1</script>');
  });

  it('GitLab Code Quality JSON: valid JSON, inert, text kept as data', () => {
    const text = file('codequality.json');
    expectInertText('codequality', text);
    const issues = JSON.parse(text) as { description: string; location: { path: string } }[];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((i) => i.description.includes('@octocat'))).toBe(true);
    for (const i of issues) expect(i.location.path).not.toMatch(/^\/|\.\.\//);
  });

  it('HTML report: no tag or script from data', () => {
    const html = file('report.html');
    expectInertText('html', html);
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img src=x onerror');
    expect(html).not.toContain('</script><script>window.__pwned');
    expect(html).not.toMatch(/<!-- hidden -->/);
  });

  it('SARIF log: valid, and no raw control or bidi character in the file', () => {
    const text = file('secgate.sarif');
    expectInertText('sarif', text);
    const log = JSON.parse(text) as Log;
    expect(sarifProblems(log)).toEqual([]);
  });

  it('GitLab MR note: inert markdown', async () => {
    const api = await server((req, res) => (req.method === 'GET' ? json(res, 200, []) : json(res, 201, { id: 9 })));
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-hostile-gl-'));
    dirs.push(dir);
    const env = { GITLAB_CI: 'true', CI_API_V4_URL: `${api.base}/api/v4`, CI_PROJECT_ID: '77', CI_MERGE_REQUEST_IID: '3', SECGATE_GITLAB_TOKEN: 'glpat-hostile0123456789' };
    const r = await runCli(['check', '--quiet', ...inputs, '--sarif', join(dir, 'secgate.sarif'), '--comment'], { env, cwd: dir });
    expect(r.code).toBe(1);
    const post = api.requests.find((q) => q.method === 'POST' || q.method === 'PUT');
    expect(post, r.stderr).toBeDefined();
    const body = (JSON.parse(post!.body) as { body: string }).body;
    expectInertMarkdown('GitLab MR note', body);
    // GitLab references and quick actions stay text.
    expect(body).not.toMatch(/^\/[a-z_]+/m);
  });

  it('console on a terminal: only secgate\'s own colour codes, never a sequence from data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-hostile-tty-'));
    dirs.push(dir);
    const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await main(['check', ...inputs, '--sarif', join(dir, 'secgate.sarif')], { env: { TERM: 'xterm-256color', FORCE_COLOR: '1' }, cwd: dir, stdout, stderr, now: () => new Date('2026-11-23T12:00:00Z') });
    expect(code).toBe(1);
    for (const text of [out, err]) {
      // Every ESC starts an SGR colour sequence (ESC [ digits m): no cursor movement, clear, OSC title/link/clipboard.
      const sequences = text.match(/\u001b[\s\S]{0,12}/g) ?? [];
      for (const s of sequences) expect(s, JSON.stringify(s)).toMatch(/^\u001b\[[0-9;]*m/);
      expect(text).not.toMatch(/\u001b\]/);
      expect(text).not.toMatch(LIVE.c1);
      expect(text).not.toMatch(LIVE.bidi);
      expect(text).not.toMatch(LIVE.nul);
    }
    expect(out).toMatch(/\u001b\[/); // it did colour: the check above is not vacuous
  });

  it('error messages: a hostile file name and content stay one inert line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-hostile-err-'));
    dirs.push(dir);
    const name = join(dir, 'r\u001b]52;c;cHduZWQ=\u0007\n::error::x\u202e.json');
    writeFileSync(name, '\u001b[2J::set-output name=verdict::pass\n<script>');
    const r = await runCli(['check', name, '--sarif', join(dir, 'out.sarif')], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    expectInertText('error line', r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('secgate: error:'));
    expect(lines).toHaveLength(1);
    expect(liveCommands(r.stderr).filter((l) => !/^::(error|warning|notice)/.test(l))).toEqual([]);
    expect(r.stderr).not.toMatch(/^::set-output/m);
  });
});
