import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** fixtures/bin: the fake scanners. */
export const FAKE_BIN = resolve(fileURLToPath(new URL('../../fixtures/bin', import.meta.url)));
export const FIXTURES = resolve(fileURLToPath(new URL('../../fixtures', import.meta.url)));

/** An environment with the fakes first on PATH (and node after them), nothing else inherited. */
export function fakeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${FAKE_BIN}:${process.env['PATH'] ?? ''}`, HOME: tmpdir(), NO_COLOR: '1', ...extra };
}

/** A fresh project directory with a secgate.yml. */
export function project(yaml: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-runtest-'));
  writeFileSync(join(dir, 'secgate.yml'), yaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export interface FakeCall {
  tool: string;
  argv: string[];
  cwd: string;
}

/** The calls the fakes logged (FAKE_ARGS_LOG). */
export function calls(log: string): FakeCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCall);
}

/** Is a process with this pid still alive? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
