/**
 * No partial state: the built CLI (`node dist/cli.js`, as CI starts it) is SIGKILLed while it
 * writes a large SARIF log and report. The previous outputs must be intact, byte for byte, and
 * nothing half-written may sit under a real output name (a stray `.NAME.tmp-*` is allowed: it is
 * never mistaken for the output).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A Grype report with `n` distinct matches, in the shape of fixtures/reports/grype.json. */
function bigGrype(n: number): string {
  const base = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'reports', 'grype.json'), 'utf8')) as { matches: Record<string, any>[] };
  const template = base.matches[0]!;
  const matches = Array.from({ length: n }, (_, i) => {
    const m = structuredClone(template);
    const id = `CVE-2024-${String(10000 + i)}`;
    m.vulnerability.id = id;
    m.vulnerability.description = `Synthetic vulnerability ${i}: ${'a long advisory text '.repeat(8)}`;
    m.relatedVulnerabilities = [];
    m.matchDetails[0].found.vulnerabilityID = id;
    m.artifact.name = `pkg-${i % 5000}`;
    m.artifact.id = `art${i}`;
    m.artifact.purl = `pkg:apk/alpine/pkg-${i % 5000}@1.0.${i}`;
    m.artifact.version = `1.0.${i}`;
    return m;
  });
  return JSON.stringify({ ...base, matches });
}

let big = '';
beforeAll(() => {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'secgate-hard-big-'));
  dirs.push(dir);
  big = join(dir, 'grype-big.json');
  writeFileSync(big, bigGrype(8_000));
});

/** Start the CLI; SIGKILL it as soon as a temp file for one of the outputs appears (or a deadline passes). */
function killMidWrite(cwd: string, args: string[], outputs: string[]): Promise<{ killedWhileWriting: boolean; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: 'ignore', env: { PATH: process.env['PATH'], NO_COLOR: '1' } });
    let killedWhileWriting = false;
    const timer = setInterval(() => {
      const names = readdirSync(cwd);
      if (outputs.some((o) => names.some((n) => n.startsWith(`.${o}.tmp-`)))) {
        killedWhileWriting = true;
        child.kill('SIGKILL');
        clearInterval(timer);
      }
    }, 2);
    child.on('exit', (_code, signal) => {
      clearInterval(timer);
      resolve({ killedWhileWriting, signal });
    });
  });
}

describe('a run killed mid-write leaves the previous outputs intact', () => {
  it('SIGKILL while writing a large SARIF log and HTML/JUnit reports', async () => {
    const outputs = ['secgate.sarif', 'report.html', 'junit.xml'];
    let caught = 0;
    // Each attempt either catches a temp file mid-write or the run finishes first; a few tries
    // give the kill a fair chance on a busy machine, and every attempt checks the invariant.
    for (let attempt = 0; attempt < 4 && caught === 0; attempt++) {
      const cwd = mkdtempSync(join(tmpdir(), 'secgate-hard-kill-'));
      dirs.push(cwd);
      const previous: Record<string, string> = {
        'secgate.sarif': JSON.stringify({ version: '2.1.0', runs: [], properties: { previous: true } }),
        'report.html': '<!doctype html><title>previous</title>',
        'junit.xml': '<?xml version="1.0"?><testsuites name="previous"/>',
      };
      for (const [name, text] of Object.entries(previous)) writeFileSync(join(cwd, name), text);
      const r = await killMidWrite(cwd, ['check', big, '--sarif', 'secgate.sarif', '--report', 'html:report.html', '--report', 'junit:junit.xml', '--quiet'], outputs);
      for (const name of outputs) {
        const now = readFileSync(join(cwd, name), 'utf8');
        if (r.killedWhileWriting) {
          // Old or complete new: never a prefix of the new one.
          if (now !== previous[name]) {
            if (name.endsWith('.sarif')) expect(() => JSON.parse(now)).not.toThrow();
            if (name.endsWith('.html')) expect(now.trimEnd()).toMatch(/<\/html>$/i);
            if (name.endsWith('.xml')) expect(now.trimEnd()).toMatch(/<\/testsuites>$/);
          }
        } else {
          expect(now.length).toBeGreaterThan(0);
        }
      }
      if (r.killedWhileWriting) {
        expect(r.signal).toBe('SIGKILL');
        caught++;
      }
    }
    expect(caught, 'the run always finished before any output was being written: make the input bigger').toBeGreaterThan(0);
  });
});
