import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { outputValues } from '../../src/publish/github.js';
import { reporterByFormat } from '../../src/report/registry.js';
import { runCli } from '../helpers/cli.js';
import { makeLog } from './logs.js';
import { parseOutputFile } from './workflow-commands.js';

const ROOT = join(import.meta.dirname, '..', '..');
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; uses?: string; run?: string; env?: Record<string, string>; shell?: string }[] };
};
const gateStep = action.runs.steps.find((s) => s.id === 'gate')!;

describe('action.yml', () => {
  it('takes the documented inputs', () => {
    for (const name of ['config', 'command', 'args', 'token', 'comment', 'fail-on-violation']) expect(action.inputs).toHaveProperty(name);
    expect(action.inputs['token']!.default).toBe('${{ github.token }}');
  });

  it('references only inputs it declares, and never splices an input into a script', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    const used = [...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!);
    for (const u of used) expect(Object.keys(action.inputs)).toContain(u);
    for (const step of action.runs.steps) expect(step.run ?? '').not.toMatch(/\$\{\{/);
  });

  it('every output is one the CLI writes to $GITHUB_OUTPUT', () => {
    const written = Object.keys(outputValues(makeLog([]), undefined, 'secgate.sarif'));
    for (const [name, o] of Object.entries(action.outputs)) {
      const m = /^\$\{\{ steps\.gate\.outputs\.([a-z-]+) \}\}$/.exec(o.value);
      expect(m, name).not.toBeNull();
      expect(written).toContain(m![1]);
    }
  });

  it('is a composite action that builds its own checkout and runs dist/cli.js', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.some((s) => s.run?.includes('npm install'))).toBe(true);
    expect(gateStep.run).toContain('"$GITHUB_ACTION_PATH/dist/cli.js"');
    expect(gateStep.env?.['GITHUB_TOKEN']).toBe('${{ inputs.token }}');
  });

  // The gate step's script, run as the runner runs it (bash -e), against the built CLI.
  const built = existsSync(join(ROOT, 'dist', 'cli.js'));
  describe.skipIf(!built)('the gate step (needs dist/: npm run build)', () => {
    function step(env: Record<string, string>) {
      const dir = mkdtempSync(join(tmpdir(), 'secgate-action-'));
      for (const f of ['summary.md', 'output.txt']) writeFileSync(join(dir, f), '');
      const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [`SECGATE_${k.toUpperCase().replace(/-/g, '_')}`, v.default ?? '']));
      const r = spawnSync('bash', ['-e', '-c', gateStep.run!], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'], ...inputs, SECGATE_SARIF: join(dir, 'secgate.sarif'), GITHUB_ACTION_PATH: ROOT, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(dir, 'output.txt'), GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), NO_COLOR: '1', ...env },
        encoding: 'utf8',
      });
      return { ...r, outputs: parseOutputFile(readFileSync(join(dir, 'output.txt'), 'utf8')), summary: readFileSync(join(dir, 'summary.md'), 'utf8') };
    }
    const reports = 'fixtures/reports/grype.json fixtures/reports/trivy.json fixtures/reports/semgrep.sarif';

    it('a violated policy fails the step (exit 1) with outputs and summary written', () => {
      const r = step({ SECGATE_COMMAND: 'check', SECGATE_ARGS: reports });
      expect(r.status).toBe(1);
      expect(r.outputs['verdict']).toBe('fail');
      expect(r.summary).toMatch(/FAIL/);
    });

    it('fail-on-violation: false → the step passes with a warning annotation', () => {
      const r = step({ SECGATE_COMMAND: 'check', SECGATE_ARGS: reports, SECGATE_FAIL_ON_VIOLATION: 'false' });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^::warning title=secgate::the policy is violated/m);
    });

    it('exit 2 (unreadable report) fails whatever fail-on-violation says', () => {
      const r = step({ SECGATE_COMMAND: 'check', SECGATE_ARGS: 'missing.json', SECGATE_FAIL_ON_VIOLATION: 'false' });
      expect(r.status).toBe(2);
    });

    it('an unknown command is refused before anything runs', () => {
      const r = step({ SECGATE_COMMAND: 'check; rm -rf /' });
      expect(r.status).toBe(2);
      expect(r.stdout).toContain('::error title=secgate::the command input must be check or run');
    });
  });
});

describe('templates/gitlab/secgate.gitlab-ci.yml', () => {
  const text = readFileSync(join(ROOT, 'templates', 'gitlab', 'secgate.gitlab-ci.yml'), 'utf8');
  const tpl = parse(text) as { variables: Record<string, string>; '.secgate': { script: string[]; after_script: string[]; before_script: string[]; artifacts: { when: string; paths: string[]; reports: Record<string, string> } } };
  const job = tpl['.secgate'];

  it('is a hidden job to extend, with the report artifacts wired', () => {
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports).toEqual({ codequality: 'gl-code-quality-report.json', junit: 'secgate-junit.xml' });
    const after = job.after_script.join('\n');
    expect(after).toContain('--format codequality -o gl-code-quality-report.json');
    expect(after).toContain('--format junit -o secgate-junit.xml');
    expect(reporterByFormat('codequality')).toBeDefined();
    expect(reporterByFormat('junit')).toBeDefined();
  });

  it('uses only variables it defines or GitLab predefines', () => {
    const scripts = [...job.before_script, ...job.script, ...job.after_script, ...job.artifacts.paths].join('\n');
    for (const [, name] of scripts.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) {
      expect(name!.startsWith("CI_") || name! in tpl.variables, name).toBe(true);
    }
  });

  it('the flags it passes exist on the commands it calls', async () => {
    const check = await runCli(['check', '--help']);
    const run = await runCli(['run', '--help']);
    for (const flag of ['--sarif', '--comment']) {
      expect(check.stdout).toContain(flag);
      expect(run.stdout).toContain(flag);
    }
    const report = await runCli(['report', '--help']);
    for (const flag of ['--from', '--format', '--output']) expect(report.stdout).toContain(flag);
  });

  it('the script is valid shell', () => {
    for (const s of [...job.before_script, ...job.script, ...job.after_script]) execFileSync('sh', ['-n', '-c', s]);
  });
});
