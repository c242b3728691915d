import { mkdtempSync, readFileSync, writeFileSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reporters } from '../../src/report/registry.js';
import { runCli } from '../helpers/cli.js';

const SAMPLE = resolve('fixtures/logs/sample.sarif');
const tmp = () => mkdtempSync(join(tmpdir(), 'secgate-report-'));

describe('secgate report', () => {
  it('offers exactly the registry\'s formats', async () => {
    const help = await runCli(['report', '--help']);
    for (const r of reporters) expect(help.stdout).toContain(r.format);
    const bad = await runCli(['report', '--from', SAMPLE, '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Allowed choices are ${reporters.map((r) => r.format).join(', ')}`);
  });

  it('renders to stdout without -o, plain when NO_COLOR', async () => {
    const r = await runCli(['report', '--from', SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FAIL — 1 policy rule violated');
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const md = await runCli(['report', '--from', SAMPLE, '--format', 'markdown', '--title', 'Security']);
    expect(md.stdout.split('\n')[0]).toBe('## ❌ Security: FAIL — 1 policy rule violated');
  });

  it('colours the console only on a terminal or with FORCE_COLOR', async () => {
    const r = await runCli(['report', '--from', SAMPLE], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(r.stdout).toMatch(/\u001b\[/);
  });

  it('writes each format to a file atomically with -o (no temp files left)', async () => {
    const dir = tmp();
    for (const r of reporters) {
      const out = join(dir, `out.${r.extension}`);
      const res = await runCli(['report', '--from', SAMPLE, '--format', r.format, '-o', out], { cwd: dir });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toBe('');
      expect(readFileSync(out, 'utf8').length).toBeGreaterThan(100);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // the sarif format round-trips the log
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'))).toEqual(JSON.parse(readFileSync(SAMPLE, 'utf8')));
  });

  it('fails closed with one line on a missing, truncated or non-SARIF log', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'trunc.sarif'), readFileSync(SAMPLE, 'utf8').slice(0, 500));
    writeFileSync(join(dir, 'grype.json'), '{"matches":[]}');
    for (const [file, why] of [['nope.sarif', 'no such file'], ['trunc.sarif', 'not JSON'], ['grype.json', 'not a SARIF 2.1.0 log']] as const) {
      const r = await runCli(['report', '--from', file], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${file}: ${why}`);
    }
  });

  it('renders someone else\'s SARIF (no verdict)', async () => {
    const r = await runCli(['report', '--from', resolve('fixtures/reports/semgrep.sarif'), '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no verdict in this log');
  });

  it('an unwritable -o is exit 2 with one line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), '');
    const r = await runCli(['report', '--from', SAMPLE, '--format', 'junit', '-o', join(dir, 'file', 'x.xml')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^secgate: error: cannot write .*x\.xml/);
  });
});

describe('secgate check --report', () => {
  it('writes the requested reports beside the SARIF log, same verdict', async () => {
    const dir = tmp();
    for (const f of ['grype.json', 'trivy.json', 'semgrep.sarif']) copyFileSync(resolve('fixtures/reports', f), join(dir, f));
    const r = await runCli(['check', 'grype.json', 'trivy.json', 'semgrep.sarif', '--report', 'junit:out/junit.xml', '--report', 'markdown:out/summary.md', '--report', 'codequality:gl-code-quality.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'out/junit.xml'), 'utf8')).toContain('<testsuite name="secgate policy"');
    expect(readFileSync(join(dir, 'out/summary.md'), 'utf8')).toMatch(/^## ❌ secgate: FAIL/);
    expect(JSON.parse(readFileSync(join(dir, 'gl-code-quality.json'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('rejects a bad --report spec with exit 2 before writing anything', async () => {
    const dir = tmp();
    copyFileSync(resolve('fixtures/reports/grype.json'), join(dir, 'grype.json'));
    for (const spec of ['junit', 'pdf:x.pdf', 'junit:']) {
      const r = await runCli(['check', 'grype.json', '--report', spec], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^secgate: error: --report .*(expected FORMAT:PATH|unknown report format "pdf")/);
    }
    expect(readdirSync(dir)).toEqual(['grype.json']);
  });
});
