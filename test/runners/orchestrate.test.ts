import { PassThrough } from 'node:stream';
import type { Run } from 'sarif';
import { describe, expect, test } from 'vitest';
import { ScannerError } from '../../src/errors.js';
import { runJobs } from '../../src/runners/orchestrate.js';
import { planJobs, parseOnly, type Job } from '../../src/runners/plan.js';
import { plainProgress, ttyProgress } from '../../src/runners/progress.js';
import type { ScannerRunner } from '../../src/runners/types.js';
import { RunBuilder } from '../../src/sarif/builder.js';

const now = () => new Date('2026-11-23T12:00:00Z');
const opts = { concurrency: 4, cwd: process.cwd(), env: {}, now, unknownSeverity: 'medium' as const };

function job(runner: Partial<ScannerRunner> & Pick<ScannerRunner, 'run'>, extra: Partial<Job> = {}): Job {
  return { id: 'fake', runner: { id: 'fake', configProperties: {}, toolName: 'Fake', kind: 'sast', ...runner }, config: {}, timeoutMs: 5000, optional: false, ...extra };
}

function okRun(): Run {
  const b = new RunBuilder({ name: 'Fake' }, 'sast', { file: 'f', category: 'fake', unknownSeverity: 'medium' }, 'x');
  b.add({ ruleId: 'R1', message: 'm', severity: 'high', location: { uri: 'a.js', startLine: 1 }, identity: ['a'] });
  return b.build();
}

describe('runJobs', () => {
  test('a runner that ignores its signal still fails at its deadline (and the others go on)', async () => {
    const stuck = job({ run: () => new Promise<Run[]>(() => undefined) }, { id: 'stuck', timeoutMs: 200 });
    const fine = job({ run: async () => [okRun()] }, { id: 'fine' });
    const out = await runJobs([stuck, fine], opts);
    expect(out.map((o) => [o.id, o.ok])).toEqual([['stuck', false], ['fine', true]]);
    expect(out[0]!.error).toMatch(/^stuck: timed out after 0\.2s and was stopped/);
    const inv = out[0]!.runs[0]!.invocations![0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications![0]!.message.text).toBe(out[0]!.error);
  });

  test('an unexpected exception from a runner is a failed run, never a crash or a pass', async () => {
    const out = await runJobs([job({ run: async () => { throw new TypeError('cannot read properties of undefined'); } })], opts);
    expect(out[0]).toMatchObject({ ok: false, error: 'fake: cannot read properties of undefined' });
    expect(out[0]!.runs[0]!.tool.driver.name).toBe('Fake');
  });

  test('a failed optional job is marked optional in its run (the policy makes it a warning)', async () => {
    const out = await runJobs([job({ run: async () => { throw new ScannerError('fake', 'boom'); } }, { optional: true })], opts);
    expect(out[0]!.runs[0]!.properties!['optional']).toBe(true);
  });

  test('a token the runner quotes in its error is redacted', async () => {
    const env = { SONAR_TOKEN: 'squ_supersecret123' };
    const out = await runJobs([job({ run: async () => { throw new ScannerError('sonarqube', 'HTTP 401 with token squ_supersecret123'); } })], { ...opts, env });
    expect(out[0]!.error).toBe('sonarqube: HTTP 401 with token ***');
    expect(JSON.stringify(out[0]!.runs)).not.toContain('squ_supersecret123');
  });

  test('successful runs get the invocation: command line and exit code of the last process, start and end', async () => {
    const out = await runJobs([job({
      run: async (_c, ctx) => {
        ctx.record?.({ commandLine: 'fake --x', exitCode: 0, startTimeUtc: 's', endTimeUtc: 'e', executionSuccessful: true });
        return [okRun()];
      },
    })], opts);
    expect(out[0]!.runs[0]!.invocations![0]).toEqual({ executionSuccessful: true, commandLine: 'fake --x', exitCode: 0, startTimeUtc: '2026-11-23T12:00:00.000Z', endTimeUtc: '2026-11-23T12:00:00.000Z' });
    expect(out[0]!.findings).toBe(1);
  });

  test('an interrupt (Ctrl-C) stops every job: each becomes a failed run', async () => {
    const outer = new AbortController();
    const waiting = job({ run: (_c, ctx) => new Promise<Run[]>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new ScannerError('fake', 'stopped')))) });
    setTimeout(() => outer.abort(new DOMException('interrupted', 'AbortError')), 50);
    const out = await runJobs([waiting, { ...waiting, id: 'other' }], { ...opts, signal: outer.signal });
    expect(out.map((o) => o.ok)).toEqual([false, false]);
  });

  test('concurrency bounds how many run at once', async () => {
    let running = 0;
    let peak = 0;
    const slow = (id: string) => job({ run: async () => { running++; peak = Math.max(peak, running); await new Promise((r) => setTimeout(r, 30)); running--; return []; } }, { id });
    await runJobs(['a', 'b', 'c', 'd', 'e'].map(slow), { ...opts, concurrency: 2 });
    expect(peak).toBe(2);
  });
});

describe('planJobs', () => {
  test('one job per configured scanner in config order, timeouts from the entry or defaults', () => {
    const jobs = planJobs({ trivy: { target: 'x', timeout: '90s' }, grype: { target: 'y', optional: true } }, { timeout: '10m', concurrency: 4 });
    expect(jobs.map((j) => [j.id, j.timeoutMs, j.optional])).toEqual([['trivy', 90_000, false], ['grype', 600_000, true]]);
  });

  test('--only narrows; unknown or unconfigured ids are config errors', () => {
    const scanners = { trivy: { target: 'x' }, grype: { target: 'y' } };
    expect(planJobs(scanners, undefined, ['grype']).map((j) => j.id)).toEqual(['grype']);
    expect(() => planJobs(scanners, undefined, ['snyk'])).toThrow('--only snyk: no such scanner');
    expect(() => planJobs(scanners, undefined, ['zap'])).toThrow('--only zap: not configured under scanners: in secgate.yml');
  });

  test('parseOnly takes commas and repeats', () => {
    expect(parseOnly(['zap,grype', 'trivy', ' zap '])).toEqual(['zap', 'grype', 'trivy']);
    expect(parseOnly([])).toBeUndefined();
  });
});

describe('progress', () => {
  const capture = () => {
    const s = new PassThrough();
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    return { s, text: () => text };
  };

  test('plain lines for logs, hostile scanner text made visible, never interpreted', () => {
    const c = capture();
    const p = plainProgress(c.s);
    p.started('grype');
    p.message('grype', 'scanning \u001b]8;;https://evil\u0007image\u001b[2J');
    p.finished('grype', { ok: true, ms: 2100, findings: 89, optional: false });
    p.finished('zap', { ok: false, ms: 500, findings: 0, optional: true, error: 'zap: exit 3' });
    expect(c.text()).toBe('grype: started\ngrype: scanning \\e]8;;https://evil\\u{7}image\\e[2J\ngrype: done in 2.1s, 89 findings\nzap: failed (optional) after 0.5s: zap: exit 3\n');
  });

  test('on a terminal: one line per scanner, redrawn in place with the elapsed time', () => {
    const c = capture();
    let t = 0;
    const p = ttyProgress(c.s, () => t);
    p.started('grype');
    p.started('trivy');
    t = 1500;
    p.finished('grype', { ok: true, ms: 1500, findings: 3, optional: false });
    p.close();
    const out = c.text();
    // Cursor up over the two lines drawn before, each line cleared and rewritten.
    expect(out).toContain('\u001b[2A');
    expect(out).toContain('\r\u001b[2K✔ grype: done in 1.5s, 3 findings\n');
    expect(out).toMatch(/\r\u001b\[2K. trivy: 1\.5s\n$/);
  });
});
