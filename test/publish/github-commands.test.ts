import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationLines, outputFileText, outputValues, repoPath, nextLink } from '../../src/publish/github.js';
import { readVerdict } from '../../src/policy/verdict.js';
import { workflowCommand, workflowData, workflowProperty } from '../../src/text/escape-workflow.js';
import { forTerminal } from '../../src/text/escape.js';
import { makeLog, type F } from './logs.js';
import { parseCommand, parseOutputFile } from './workflow-commands.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const RUNS = fuzzRuns(200);

describe('workflow command escaping', () => {
  it('escapes data and properties as the runner unescapes them', () => {
    expect(workflowData('50%\nnext')).toBe('50%25%0Anext');
    // A carriage return is shown, not obeyed (the log viewer would overwrite the line with it).
    expect(workflowData('a\rb')).toBe('a\\rb');
    expect(workflowProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    // A literal "%0A" in the text stays text: it must not decode to a newline.
    expect(parseCommand(workflowCommand('error', {}, 'x%0A::set-output name=a::b'))!.data).toBe('x%0A::set-output name=a::b');
  });

  it('hostile text never forges a command: one line, our name and properties, data read back as written', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (title, file, message) => {
        const line = workflowCommand('warning', { file, line: 3, title }, message);
        expect(line).not.toMatch(/[\r\n]/);
        const parsed = parseCommand(line)!;
        expect(parsed.name).toBe('warning');
        expect(parsed.data).toBe(forTerminal(message));
        const expected: Record<string, string> = { line: '3' };
        if (file) expected['file'] = forTerminal(file);
        if (title) expected['title'] = forTerminal(title);
        expect(parsed.props).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the classic injections as data', () => {
    for (const evil of ['\n::set-output name=verdict::pass', '%0A::error::forged', '\r\n::add-mask::x', '::stop-commands::abc', '\u001b[2J\u001b]8;;http://evil\u0007']) {
      const line = workflowCommand('error', { title: evil }, evil);
      expect(line.split('\n')).toHaveLength(1);
      const p = parseCommand(line)!;
      expect(p.name).toBe('error');
      expect(Object.keys(p.props)).toEqual(['title']);
      expect(p.data).not.toContain('\u001b');
    }
  });
});

function findings(n: number, severity: F['severity'], prefix: string): F[] {
  return Array.from({ length: n }, (_, i) => ({ severity, rule: `${prefix}-${i}`, uri: `src/${prefix}.js`, line: i + 1 }));
}

describe('annotations', () => {
  it('most severe first, at most 10 per level, and a notice counting the rest', () => {
    const log = makeLog([...findings(3, 'low', 'low'), ...findings(12, 'medium', 'med'), ...findings(8, 'high', 'high'), ...findings(4, 'critical', 'crit')]);
    const parsed = annotationLines(log).map((l) => parseCommand(l)!);
    const errors = parsed.filter((p) => p.name === 'error');
    const warnings = parsed.filter((p) => p.name === 'warning');
    const notices = parsed.filter((p) => p.name === 'notice');
    expect(errors).toHaveLength(10);
    // The 4 critical come before any high.
    expect(errors.slice(0, 4).every((e) => e.props['title']!.startsWith('critical'))).toBe(true);
    expect(errors.slice(4).every((e) => e.props['title']!.startsWith('high'))).toBe(true);
    expect(warnings).toHaveLength(10);
    // 12 high+critical → 2 hidden, 12 medium → 2 hidden.
    expect(notices[0]!.data).toMatch(/^4 more findings are not annotated/);
    expect(notices.slice(1)).toHaveLength(3);
    expect(errors[0]!.props).toMatchObject({ file: 'src/crit.js', line: '1' });
  });

  it('annotates one distinct issue once even when two tools saw it', () => {
    const log = makeLog([
      { severity: 'high', rule: 'CVE-2021-23337', pkg: 'lodash', uri: 'package-lock.json', tool: 'grype' },
      { severity: 'high', rule: 'CVE-2021-23337', pkg: 'lodash', uri: 'package-lock.json', tool: 'trivy' },
    ]);
    const guids = log.runs.flatMap((r) => r.results!.map((x) => x.correlationGuid));
    const lines = annotationLines(log);
    expect(lines).toHaveLength(new Set(guids).size);
  });

  it('never attaches a URL, an absolute path or a path leaving the repository as file', () => {
    expect(repoPath('https://example.com/login')).toBeUndefined();
    expect(repoPath('/etc/passwd')).toBeUndefined();
    expect(repoPath('../outside.js')).toBeUndefined();
    expect(repoPath('src/a%20b.js')).toBe('src/a b.js');
    expect(repoPath('%2Fetc%2Fpasswd')).toBeUndefined();
    expect(repoPath('src/%2E%2E/%2E%2E/x')).toBeUndefined();
    expect(repoPath('C%3A/Windows')).toBeUndefined();
  });

  it('nothing to annotate, nothing printed', () => {
    expect(annotationLines(makeLog([]))).toEqual([]);
  });
});

describe('step outputs', () => {
  it('every value read back exactly, even one that tries to forge another output', () => {
    const log = makeLog([{ severity: 'critical', rule: 'R1\nverdict<<EOF\npass\nEOF', message: 'x' }]);
    const verdict = readVerdict(log);
    const values = outputValues(log, verdict, 'out/secgate.sarif');
    values['reasons'] += '\nverdict=pass\nghadelimiter_fixed';
    let n = 0;
    const text = outputFileText(values, () => (n++ === 0 ? 'ghadelimiter_fixed' : `ghadelimiter_${n}`));
    const parsed = parseOutputFile(text);
    expect(parsed).toEqual(values);
    expect(parsed['verdict']).toBe('fail');
    expect(parsed['exit-code']).toBe('1');
    expect(parsed['critical']).toBe('1');
    expect(parsed['sarif']).toBe('out/secgate.sarif');
  });
});

describe('Link header', () => {
  it('finds rel="next" among others', () => {
    expect(nextLink('<https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=5>; rel="last"')).toBe('https://api.github.com/x?page=3');
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe('annotations from a subdirectory', () => {
  it('paths are made relative to the repository root (GITHUB_WORKSPACE)', async () => {
    const { workspacePrefix } = await import('../../src/cli/comment.js');
    expect(workspacePrefix('/home/runner/work/shop/shop', '/home/runner/work/shop/shop/services/api')).toBe('services/api');
    expect(workspacePrefix('/home/runner/work/shop/shop', '/home/runner/work/shop/shop')).toBe('');
    expect(workspacePrefix('/home/runner/work/shop/shop', '/tmp/elsewhere')).toBe('');
    expect(workspacePrefix(undefined, '/x')).toBe('');
    const lines = annotationLines(makeLog([{ severity: 'high', rule: 'R', uri: 'src/a.js', line: 3 }]), { pathPrefix: 'services/api' });
    expect(parseCommand(lines[0]!)!.props['file']).toBe('services/api/src/a.js');
  });
});

describe('annotation order within a severity', () => {
  it('the higher security-severity score first (CVSS 9.8 before 9.1)', () => {
    const log = makeLog([{ severity: 'critical', rule: 'LOW-SCORE' }, { severity: 'critical', rule: 'HIGH-SCORE' }]);
    const results = log.runs[0]!.results!;
    results.find((r) => r.ruleId === 'LOW-SCORE')!.properties!['security-severity'] = '9.1';
    results.find((r) => r.ruleId === 'HIGH-SCORE')!.properties!['security-severity'] = '9.8';
    const titles = annotationLines(log).map((l) => parseCommand(l)!.props['title']);
    expect(titles[0]).toContain('HIGH-SCORE');
    expect(titles[1]).toContain('LOW-SCORE');
  });
});
