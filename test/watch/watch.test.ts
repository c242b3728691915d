import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInterval } from '../../src/watch/schedule.js';
import { completeLines } from '../../src/watch/follow.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MORE = readFileSync(join(ROOT, 'fixtures/wazuh/alerts-more.json'), 'utf8');

/** A project whose one action records, per call, the rule ids it was given. */
function project(): { dir: string; alerts: string; calls: () => string[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-watch-'));
  const alerts = join(dir, 'alerts.json');
  copyFileSync(join(ROOT, 'fixtures/wazuh/alerts.json'), alerts);
  const log = join(dir, 'calls.jsonl');
  const script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const p=JSON.parse(s);require('fs').appendFileSync(process.argv[1], JSON.stringify(p.findings.map(f=>f.ruleId).sort())+'\\n')})";
  writeFileSync(join(dir, 'secgate.yml'), `version: 1\nactions:\n  - name: record\n    when: {}\n    command: ["node", "-e", ${JSON.stringify(script)}, ${JSON.stringify(log)}]\n`);
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);
  return { dir, alerts, calls };
}

describe('secgate watch', () => {
  it('acts only on what is new, across restarts (each run a new instance reading the state file)', async () => {
    const { dir, alerts, calls } = project();
    const first = await runCli(['watch', '--once', '--apply', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(first.code, first.stderr).toBe(1);
    expect(calls()).toEqual([['510', '550', '5710', 'CVE-2024-6387', 'sca/cis_ubuntu22-04/28566']]);
    expect(first.stderr).toMatch(/evaluation 1: FAIL — 5 open findings, 5 new, 1 action triggered/);

    const again = await runCli(['watch', '--once', '--apply', '--sarif', 'latest.sarif', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(JSON.parse(readFileSync(join(dir, 'latest.sarif'), 'utf8')).properties.secgate.verdict.status).toBe('fail');
    expect(again.stderr).toMatch(/evaluation 2: FAIL — 5 open findings, 0 new, 0 actions triggered/);
    expect(calls()).toHaveLength(1);

    appendFileSync(alerts, MORE);
    const third = await runCli(['watch', '--once', '--apply', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(third.stderr).toMatch(/evaluation 3: FAIL — 7 open findings, 2 new/);
    expect(calls()).toEqual([['510', '550', '5710', 'CVE-2024-6387', 'sca/cis_ubuntu22-04/28566'], ['550', 'CVE-2023-38545']]);
    const state = JSON.parse(readFileSync(join(dir, '.secgate/watch-state.json'), 'utf8'));
    expect(state).toMatchObject({ v: 1, evaluations: 3 });
    expect(state.seen).toHaveLength(7);
  });

  it('dry run (no --apply) still advances the state: it reports, it does not act', async () => {
    const { dir, alerts, calls } = project();
    const r = await runCli(['watch', '--once', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stderr).toMatch(/action record \(command, 5 findings\): dry-run/);
    expect(calls()).toHaveLength(0);
  });

  it('--follow: evaluates again when the file grows, acting on exactly the appended alerts; a half-written line waits', async () => {
    const { dir, alerts, calls } = project();
    const state = join(dir, 'state.json');
    const running = runCli(['watch', '--follow', alerts, '--apply', '--state', state, '--max-iterations', '2', '--poll', '25'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    // Wait for the first evaluation to be saved (bounded: the test fails rather than hangs).
    for (let i = 0; i < 400 && !existsSync(state); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(state)).toBe(true);
    const [a, b] = MORE.trim().split('\n');
    // One complete new alert and half of the next, as a writer mid-line leaves it.
    appendFileSync(alerts, `${a}\n${b!.slice(0, 40)}`);
    const r = await running;
    expect(r.code, r.stderr).toBe(1);
    expect(calls()).toEqual([['510', '550', '5710', 'CVE-2024-6387', 'sca/cis_ubuntu22-04/28566'], ['550']]);
    expect(r.stderr).toMatch(/evaluation 2: FAIL — 6 open findings, 1 new/);
  });

  it('a malformed line stops it with its line number, unless skipping is asked for', async () => {
    const { dir, alerts } = project();
    appendFileSync(alerts, 'garbage\n');
    const r = await runCli(['watch', '--once', alerts], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/alerts\.json \(line 7\)/);
    const s = await runCli(['watch', '--once', '--skip-malformed-lines', alerts], { cwd: dir });
    expect(s.code).toBe(1);
  });

  it('a damaged state file is an error, not a silent restart that would re-run every action', async () => {
    const { dir, alerts } = project();
    writeFileSync(join(dir, 'state.json'), '{"v":1,"seen":');
    const r = await runCli(['watch', '--once', '--state', 'state.json', alerts], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/state\.json is damaged .* delete it to start over/);
  });

  it('needs a trigger and a source', async () => {
    const { dir, alerts } = project();
    expect((await runCli(['watch', alerts], { cwd: dir })).stderr).toMatch(/needs a trigger/);
    expect((await runCli(['watch', '--once'], { cwd: dir })).stderr).toMatch(/nothing to watch/);
    expect((await runCli(['watch', '--every', '15 minutes', alerts], { cwd: dir })).code).toBe(2);
  });

  it('--every: re-reads on the schedule, bounded by --max-iterations', async () => {
    const { dir, alerts, calls } = project();
    const r = await runCli(['watch', '--every', '20ms', '--max-iterations', '3', '--apply', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/evaluation \d+:/g)).toEqual(['evaluation 1:', 'evaluation 2:', 'evaluation 3:']);
    expect(calls()).toHaveLength(1); // nothing new after the first evaluation
  });

  it('--sarif is written like check writes it: bidi overrides and C1 controls from an alert are escaped', async () => {
    const { dir, alerts } = project();
    // A hostile agent name (it reaches the SARIF log) carrying a right-to-left override and a C1 CSI.
    writeFileSync(alerts, readFileSync(alerts, 'utf8').replace('"name":"web-01"', '"name":"web-\\u202e10-bew\\u009b31m"'));
    const r = await runCli(['watch', '--once', '--sarif', 'latest.sarif', alerts], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.code, r.stderr).toBe(1);
    const text = readFileSync(join(dir, 'latest.sarif'), 'utf8');
    expect(text).toContain('web-\\u202e10-bew');
    expect(text).not.toMatch(/[\u202e\u009b]/);
    expect(JSON.stringify(JSON.parse(text))).toContain('web-\u202e10-bew\u009b31m');
  });

  it('intervals and complete lines', () => {
    expect(parseInterval('15m')).toBe(900_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('500ms')).toBe(500);
    expect(() => parseInterval('0s')).toThrow();
    expect(completeLines('a\nb\nhal')).toBe('a\nb\n');
    expect(completeLines('a\n')).toBe('a\n');
  });
});
