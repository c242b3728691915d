import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { runCli } from '../helpers/cli.js';
import { sarifChunks, sarifJson } from '../../src/report/sarif.js';

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

describe('--sarif-layout', () => {
  const lines = (log: Log) => [...sarifChunks(log, 'lines')].join('');
  const oneLinePerResult = (text: string, results: number) => {
    const resultLines = text.split('\n').filter((l) => l.startsWith('        {"'));
    expect(resultLines).toHaveLength(results);
  };

  it('check: lines writes each result on one line, the same data as pretty; auto is pretty for a small log', async () => {
    const cwd = workdir();
    const args = ['check', join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json'), '-q'];
    expect((await runCli([...args, '--sarif', 'lines.sarif', '--sarif-layout', 'lines'], { cwd, env })).code).toBe(1);
    expect((await runCli([...args, '--sarif', 'pretty.sarif', '--sarif-layout', 'pretty'], { cwd, env })).code).toBe(1);
    expect((await runCli([...args, '--sarif', 'auto.sarif'], { cwd, env })).code).toBe(1);
    const pretty = readFileSync(join(cwd, 'pretty.sarif'), 'utf8');
    const text = readFileSync(join(cwd, 'lines.sarif'), 'utf8');
    const log = JSON.parse(text) as Log;
    expect(log).toEqual(JSON.parse(pretty));
    expect(text).toBe(lines(log));
    expect(text.length).toBeLessThan(pretty.length);
    oneLinePerResult(text, log.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0));
    expect(readFileSync(join(cwd, 'auto.sarif'), 'utf8')).toBe(pretty);
  });

  it('merge, baseline and report --format sarif -o take it too', async () => {
    const cwd = workdir();
    await runCli(['check', join(FIXTURES, 'grype.json'), '-q', '--sarif', 'main.sarif'], { cwd, env });
    expect((await runCli(['merge', 'main.sarif', '-o', 'merged.sarif', '--sarif-layout', 'lines'], { cwd, env })).code).toBe(0);
    expect((await runCli(['baseline', 'main.sarif', '-o', 'base.sarif', '--sarif-layout', 'lines'], { cwd, env })).code).toBe(0);
    expect((await runCli(['report', '--from', 'main.sarif', '--format', 'sarif', '-o', 'copy.sarif', '--sarif-layout', 'lines'], { cwd, env })).code).toBe(0);
    for (const f of ['merged.sarif', 'base.sarif', 'copy.sarif']) {
      const text = readFileSync(join(cwd, f), 'utf8');
      expect(text).toBe(lines(JSON.parse(text) as Log));
    }
    const main = JSON.parse(readFileSync(join(cwd, 'main.sarif'), 'utf8')) as Log;
    expect(JSON.parse(readFileSync(join(cwd, 'copy.sarif'), 'utf8'))).toEqual(main);
  });

  it('an unknown layout is a usage error (exit 2), nothing written', async () => {
    const cwd = workdir();
    const r = await runCli(['check', join(FIXTURES, 'grype.json'), '-q', '--sarif', 'x.sarif', '--sarif-layout', 'compact'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sarif-layout/);
    expect(() => readFileSync(join(cwd, 'x.sarif'))).toThrow();
  });
});
