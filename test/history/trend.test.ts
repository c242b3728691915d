import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_VERSION, parseHistory, type HistoryEntry } from '../../src/history/entry.js';
import { computeTrend } from '../../src/history/trend.js';
import { renderTrendHtml } from '../../src/history/render-html.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const entry = (time: string, open: Partial<Record<'critical' | 'high' | 'medium' | 'low' | 'info', string[]>>): HistoryEntry => ({
  v: HISTORY_VERSION,
  time,
  command: 'check',
  verdict: open.critical?.length || open.high?.length ? 'fail' : 'pass',
  counts: { critical: open.critical?.length ?? 0, high: open.high?.length ?? 0, medium: open.medium?.length ?? 0, low: open.low?.length ?? 0, info: open.info?.length ?? 0 },
  tools: {},
  suppressed: 0,
  open,
});

describe('trend from a generated history', () => {
  // a (critical) open day 0 → fixed day 2 (48 h); b (high) open day 0 → fixed day 1 (24 h);
  // c (high) appears day 1, fixed day 3 (48 h); d (medium) never fixed.
  const history = [
    entry('2026-11-01T00:00:00.000Z', { critical: ['a'], high: ['b'], medium: ['d'] }),
    entry('2026-11-02T00:00:00.000Z', { critical: ['a'], high: ['c'], medium: ['d'] }),
    entry('2026-11-03T00:00:00.000Z', { high: ['c'], medium: ['d'] }),
    entry('2026-11-04T00:00:00.000Z', { medium: ['d'] }),
  ];
  const t = computeTrend(history);

  it('new vs fixed per run', () => {
    expect(t.rows.map((r) => [r.new, r.fixed])).toEqual([[3, 0], [1, 1], [0, 1], [0, 1]]);
    expect(t.rows.map((r) => r.total)).toEqual([3, 3, 2, 1]);
  });

  it('mean time to fix by severity, only over fixed issues', () => {
    expect(t.mttfHours.critical).toEqual({ mean: 48, fixed: 1 });
    expect(t.mttfHours.high).toEqual({ mean: 36, fixed: 2 });
    expect(t.mttfHours.medium).toBeUndefined();
  });

  it('an issue that comes back starts a new interval', () => {
    const t2 = computeTrend([entry('2026-11-01T00:00:00Z', { high: ['x'] }), entry('2026-11-02T00:00:00Z', {}), entry('2026-11-05T00:00:00Z', { high: ['x'] }), entry('2026-11-05T12:00:00Z', {})]);
    expect(t2.mttfHours.high).toEqual({ mean: 18, fixed: 2 });
  });

  it('the HTML is self-contained: no script, no external resource, hostile text escaped', () => {
    const html = renderTrendHtml(computeTrend([{ ...history[0]!, commit: '<img src=x onerror=alert(1)>' }]));
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
    expect(html).toContain('<svg');
  });

  it('a damaged line is named, the rest still read', () => {
    const text = `${JSON.stringify(history[0])}\n{"v":1,"time\n${JSON.stringify(history[1])}\n`;
    const r = parseHistory(text, 'h.jsonl');
    expect(r.entries).toHaveLength(2);
    expect(r.problems).toEqual(['h.jsonl:2: not valid JSON']);
  });
});

describe('check --history, then secgate trend', () => {
  it('appends one line per check and renders markdown and HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hist-'));
    const hist = join(dir, 'h', 'history.jsonl');
    const grype = join(ROOT, 'fixtures/reports/grype.json');
    const trivy = join(ROOT, 'fixtures/reports/trivy.json');
    const env = { GITHUB_ACTIONS: '', GITLAB_CI: 'true', CI_COMMIT_SHA: 'abc123def4567890', CI_COMMIT_BRANCH: 'main' };
    const a = await runCli(['check', grype, trivy, '--sarif', join(dir, 'a.sarif'), '--history', hist], { env, now: new Date('2026-11-01T10:00:00Z') });
    expect(a.code, a.stderr).toBe(1);
    const b = await runCli(['check', grype, '--sarif', join(dir, 'b.sarif'), '--history', hist], { env, now: new Date('2026-11-02T10:00:00Z') });
    expect(b.code, b.stderr).toBe(1);
    const lines = readFileSync(hist, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryEntry);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ time: '2026-11-01T10:00:00.000Z', commit: 'abc123def4567890', branch: 'main', verdict: 'fail', command: 'check' });
    const sarifA = JSON.parse(readFileSync(join(dir, 'a.sarif'), 'utf8'));
    expect(lines[0]!.counts).toEqual(sarifA.properties.secgate.verdict.summary.distinct);

    const md = await runCli(['trend', '--history', hist]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('| time | commit | verdict |');
    // The second run dropped Trivy: the issues only Trivy saw are "fixed".
    const t = computeTrend(lines);
    expect(t.rows[1]!.fixed).toBeGreaterThan(0);
    expect(md.stdout).toContain(`| ${t.rows[1]!.total} | 0 | ${t.rows[1]!.fixed} |`);
    const out = join(dir, 'trend.html');
    const html = await runCli(['trend', '--history', hist, '--format', 'html', '-o', out]);
    expect(html.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('a missing history file is one line, exit 2', async () => {
    const r = await runCli(['trend', '--history', join(tmpdir(), 'nope-secgate.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('history: enabled in secgate.yml records without the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hist-'));
    writeFileSync(join(dir, 'secgate.yml'), 'version: 1\nhistory:\n  enabled: true\n  path: out/h.jsonl\n');
    const r = await runCli(['check', join(ROOT, 'fixtures/reports/grype.json'), '--sarif', join(dir, 's.sarif')], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(join(dir, 'out/h.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('secgate run --history --apply', () => {
  it('run shares the gate end: a history line and the actions (dry run here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-hist-run-'));
    writeFileSync(join(dir, 'secgate.yml'), `version: 1\nreports:\n  - ${JSON.stringify(join(ROOT, 'fixtures/wazuh/alerts.json'))}\nactions:\n  - name: n\n    when: { severity: high }\n    command: ["true"]\n`);
    const r = await runCli(['run', '--history', 'h.jsonl', '--sarif', 's.sarif', '-q'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const lines = readFileSync(join(dir, 'h.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ command: 'run' });
    expect(r.stderr).toMatch(/action n \(command, 1 finding\): dry-run/);
  });
});
