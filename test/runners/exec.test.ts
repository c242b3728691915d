import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ScannerError } from '../../src/errors.js';
import { execScanner } from '../../src/runners/exec.js';
import type { ProcessRecord, RunnerContext } from '../../src/runners/types.js';
import { alive, fakeEnv } from './fakes.js';

function ctxFor(env: NodeJS.ProcessEnv, opts: { timeoutMs?: number } = {}): { ctx: RunnerContext; records: ProcessRecord[]; controller: AbortController } {
  const records: ProcessRecord[] = [];
  const controller = new AbortController();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  timer.unref();
  const ctx: RunnerContext = {
    cwd: process.cwd(),
    env,
    workDir: mkdtempSync(join(tmpdir(), 'secgate-exec-')),
    timeoutMs,
    signal: controller.signal,
    progress: () => undefined,
    unknownSeverity: 'medium',
    ci: {},
    now: () => new Date('2026-11-23T12:00:00Z'),
    record: (r) => records.push(r),
  };
  return { ctx, records, controller };
}

const spec = (args: string[], extra: object = {}) => ({ scanner: 'trivy', file: 'trivy', args, installHint: 'install trivy', ...extra });

describe('execScanner', () => {
  test('runs the executable with an argument array (no shell) and records the invocation', async () => {
    const { ctx, records } = ctxFor(fakeEnv());
    const out = join(ctx.workDir, 'r.json');
    const r = await execScanner(spec(['image', '--format', 'json', '--output', out, 'app; rm -rf /']), ctx);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('SchemaVersion');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ exitCode: 0, executionSuccessful: true, startTimeUtc: '2026-11-23T12:00:00.000Z' });
    // The shell metacharacters reached trivy as one argument, quoted in the record.
    expect(records[0]!.commandLine).toContain(`'app; rm -rf /'`);
  });

  test('a missing executable is a ScannerError that says how to install it', async () => {
    const { ctx } = ctxFor({ PATH: '/nonexistent' });
    const e = await execScanner(spec(['image', 'x']), ctx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ScannerError);
    expect((e as ScannerError).oneLine()).toBe('trivy: "trivy" was not found on PATH — install trivy');
  });

  test('a failure exit code is a ScannerError carrying the exit code and the last stderr line', async () => {
    const { ctx, records } = ctxFor(fakeEnv({ FAKE_TRIVY_EXIT: '1', FAKE_TRIVY_STDERR: 'line one\nFATAL\tunable to initialize the scanner: registry unreachable' }));
    const e = (await execScanner(spec(['image', '--format', 'json', 'x']), ctx).catch((x: unknown) => x)) as ScannerError;
    expect(e).toBeInstanceOf(ScannerError);
    expect(e.exitCode).toBe(1);
    expect(e.oneLine()).toMatch(/^trivy: trivy failed with exit code 1: FATAL\tunable to initialize the scanner: registry unreachable — /);
    expect(e.stderr).toContain('line one');
    expect(records[0]).toMatchObject({ exitCode: 1, executionSuccessful: false });
  });

  test('exit codes listed as results are not failures', async () => {
    const { ctx } = ctxFor(fakeEnv({ FAKE_TRIVY_EXIT: '2' }));
    const r = await execScanner(spec(['image', '--format', 'json', 'x'], { okExitCodes: [0, 2] }), ctx);
    expect(r.exitCode).toBe(2);
  });

  test('a process killed by a signal (crash) is a failure', async () => {
    const { ctx, records } = ctxFor(fakeEnv({ FAKE_TRIVY_CRASH: '1' }));
    const e = (await execScanner(spec(['image', '--format', 'json', 'x']), ctx).catch((x: unknown) => x)) as ScannerError;
    expect(e.oneLine()).toMatch(/^trivy: trivy was killed by SIGKILL/);
    expect(records[0]).toMatchObject({ signal: 'SIGKILL', executionSuccessful: false });
  });

  test('a hung scanner is stopped at its timeout with its whole process group, children included', async () => {
    const pidfile = join(mkdtempSync(join(tmpdir(), 'secgate-pids-')), 'pids');
    const { ctx } = ctxFor(fakeEnv({ FAKE_TRIVY_HANG: '1', FAKE_PIDFILE: pidfile }), { timeoutMs: 700 });
    const e = (await execScanner(spec(['image', '--format', 'json', 'x']), ctx).catch((x: unknown) => x)) as ScannerError;
    expect(e.oneLine()).toMatch(/^trivy: trivy timed out after 0\.7s and was stopped — raise scanners\.trivy\.timeout/);
    const pids = readFileSync(pidfile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2); // the fake and the helper it started
    // The fake ignores SIGTERM; the group SIGKILL after the grace period ends both.
    for (const pid of pids) expect(alive(pid), `pid ${pid} left behind`).toBe(false);
    // And no process is left in the group at all.
    expect(() => process.kill(-pids[0]!, 0)).toThrow();
  });

  test('secrets never reach the record or the error message', async () => {
    const token = 'squ_0123456789abcdef';
    const { ctx, records } = ctxFor(fakeEnv({ SONAR_TOKEN: token, FAKE_TRIVY_EXIT: '1', FAKE_TRIVY_STDERR: `auth failed for ${token}` }));
    const e = (await execScanner(spec(['image', '--token', token, `--password=${token}`, 'x']), ctx).catch((x: unknown) => x)) as ScannerError;
    expect(JSON.stringify(records)).not.toContain(token);
    expect(e.oneLine()).not.toContain(token);
    expect(e.stderr).not.toContain(token);
    expect(records[0]!.commandLine).toBe("trivy image --token '***' '--password=***' x");
  });

  test('an interrupt stops the process the same way', async () => {
    const { ctx, controller } = ctxFor(fakeEnv({ FAKE_TRIVY_SLEEP: '30' }));
    setTimeout(() => controller.abort(new DOMException('interrupted', 'AbortError')), 200);
    const e = (await execScanner(spec(['image', '--format', 'json', 'x']), ctx).catch((x: unknown) => x)) as ScannerError;
    expect(e.oneLine()).toMatch(/^trivy: trivy was interrupted after/);
  });
});
