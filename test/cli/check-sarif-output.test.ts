import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { runCli } from '../helpers/cli.js';
import { sarifJson } from '../../src/report/sarif.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const workdir = () => mkdtempSync(join(tmpdir(), 'secgate-sarif-out-'));
const env = { NO_COLOR: '1' };

// The log is written in pieces (a 100k-result log is too big for one string): the file must be
// exactly what the one-string writer produced, and carry the same escaping as `secgate report --format sarif`.
describe('secgate check: the SARIF log it writes', () => {
  it('is sarifJson of the log, byte for byte, and identical across runs', async () => {
    const cwd = workdir();
    const args = ['check', join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json'), join(FIXTURES, 'semgrep.sarif'), '-q'];
    expect((await runCli([...args, '--sarif', 'a.sarif'], { cwd, env })).code).toBe(1);
    expect((await runCli([...args, '--sarif', 'b.sarif'], { cwd, env })).code).toBe(1);
    const a = readFileSync(join(cwd, 'a.sarif'), 'utf8');
    expect(a).toBe(sarifJson(JSON.parse(a) as Log));
    expect(a.startsWith('{\n  "')).toBe(true);
    expect(readFileSync(join(cwd, 'b.sarif'), 'utf8')).toBe(a);
  });

  it('writes bidi overrides, C1 controls and line separators from a report as \\u escapes', async () => {
    const cwd = workdir();
    const grype = JSON.parse(readFileSync(join(FIXTURES, 'grype.json'), 'utf8')) as { matches: { artifact: { name: string } }[] };
    grype.matches[0]!.artifact.name = 'evil\u202egnp.exe\u0085\u2028pkg';
    writeFileSync(join(cwd, 'grype.json'), JSON.stringify(grype));
    await runCli(['check', 'grype.json', '-q', '--sarif', 'out.sarif'], { cwd, env });
    const text = readFileSync(join(cwd, 'out.sarif'), 'utf8');
    expect(text).not.toMatch(/[\u202e\u0085\u2028]/);
    expect(text).toContain('evil\\u202egnp.exe\\u0085\\u2028pkg');
    expect(JSON.stringify(JSON.parse(text))).toContain('evil\u202egnp.exe\u0085\u2028pkg');
  });
});

describe('the other SARIF writers use the same pieces', () => {
  it('check --report sarif:FILE and secgate report --format sarif -o FILE write the log check wrote, byte for byte', async () => {
    const cwd = workdir();
    await runCli(['check', join(FIXTURES, 'grype.json'), '-q', '--sarif', 'main.sarif', '--report', 'sarif:copy.sarif'], { cwd, env });
    const main = readFileSync(join(cwd, 'main.sarif'), 'utf8');
    expect(readFileSync(join(cwd, 'copy.sarif'), 'utf8')).toBe(main);
    expect((await runCli(['report', '--from', 'main.sarif', '--format', 'sarif', '-o', 'again.sarif'], { cwd, env })).code).toBe(0);
    expect(readFileSync(join(cwd, 'again.sarif'), 'utf8')).toBe(main);
    const stdout = await runCli(['report', '--from', 'main.sarif', '--format', 'sarif'], { cwd, env });
    expect(stdout.stdout).toBe(main);
  });

  it('secgate baseline writes its log escaped like the others', async () => {
    const cwd = workdir();
    const grype = JSON.parse(readFileSync(join(FIXTURES, 'grype.json'), 'utf8')) as { matches: { artifact: { name: string } }[] };
    grype.matches[0]!.artifact.name = 'pkg\u202e';
    writeFileSync(join(cwd, 'grype.json'), JSON.stringify(grype));
    expect((await runCli(['baseline', 'grype.json', '-o', 'base.sarif'], { cwd, env })).code).toBe(0);
    const text = readFileSync(join(cwd, 'base.sarif'), 'utf8');
    expect(text).toBe(sarifJson(JSON.parse(text) as Log));
    expect(text).not.toContain('\u202e');
  });
});
