import { execa } from 'execa';
import { makeRedactor } from '../runners/redact.js';
import type { ActionOutcome } from './types.js';

/**
 * Run an argv array (never a shell string) with the payload on stdin. A non-zero exit, a
 * crash or the timeout is a failed action: recorded, never thrown (it must not hide the verdict).
 */
export async function runArgv(name: string, type: 'command' | 'ansible', argv: string[], o: { input?: string; timeoutMs: number; cwd: string; env: Record<string, string | undefined>; findings: number }): Promise<ActionOutcome> {
  const [file, ...args] = argv;
  if (!file) return { name, type, status: 'failed', findings: o.findings, detail: 'empty command' };
  const r = await execa(file, args, {
    input: o.input ?? '',
    timeout: o.timeoutMs,
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: true,
    maxBuffer: 1024 * 1024,
    forceKillAfterDelay: 2000,
  });
  // The command got the environment: its output may print a token, and the tail is shown and kept in the SARIF.
  const redact = makeRedactor(o.env);
  const tail = (s: unknown) => redact(String(s ?? '').trim()).split('\n').slice(-1)[0]?.slice(0, 200) ?? '';
  if (r.timedOut) return { name, type, status: 'timeout', findings: o.findings, detail: `${file} did not finish within ${Math.round(o.timeoutMs / 1000)} s (killed)` };
  if (r.failed) {
    const why = r.exitCode !== undefined ? `exit ${r.exitCode}` : (r as { code?: string }).code === 'ENOENT' ? 'not found on PATH' : r.signal ? `killed by ${r.signal}` : 'failed to start';
    return { name, type, status: 'failed', findings: o.findings, detail: `${file}: ${why}${tail(r.stderr) ? `: ${tail(r.stderr)}` : ''}` };
  }
  return { name, type, status: 'ok', findings: o.findings, detail: `${file}: exit 0${tail(r.stdout) ? `: ${tail(r.stdout)}` : ''}` };
}
