import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from 'sarif';
import { describe, expect, test } from 'vitest';
import { grypeRunner } from '../../src/scanners/grype/runner.js';
import { npmAuditRunner } from '../../src/scanners/npm-audit/runner.js';
import { trivyRunner } from '../../src/scanners/trivy/runner.js';
import { zapRunner } from '../../src/scanners/zap/runner.js';
import { ScannerError } from '../../src/errors.js';
import type { ProcessRecord, RunnerContext } from '../../src/runners/types.js';
import { calls, fakeEnv } from './fakes.js';

interface Harness {
  ctx: RunnerContext;
  records: ProcessRecord[];
  log: string;
  cwd: string;
}

function harness(extra: Record<string, string> = {}): Harness {
  const cwd = mkdtempSync(join(tmpdir(), 'secgate-runner-'));
  const workDir = join(cwd, '.work');
  mkdirSync(workDir);
  const log = join(cwd, 'calls.jsonl');
  const records: ProcessRecord[] = [];
  const ctx: RunnerContext = {
    cwd,
    env: fakeEnv({ FAKE_ARGS_LOG: log, ...extra }),
    workDir,
    timeoutMs: 30_000,
    signal: new AbortController().signal,
    progress: () => undefined,
    unknownSeverity: 'medium',
    ci: {},
    now: () => new Date('2026-11-23T12:00:00Z'),
    record: (r) => records.push(r),
  };
  return { ctx, records, log, cwd };
}

const results = (runs: Run[]) => runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);

describe('grype runner', () => {
  test('native: grype <target> -o json --file <report>, extra args appended, findings parsed', async () => {
    const h = harness();
    const runs = await grypeRunner.run({ target: 'dir:.', args: ['--only-fixed'] }, h.ctx);
    expect(calls(h.log)[0]!.argv).toEqual(['dir:.', '-o', 'json', '--file', join(h.ctx.workDir, 'grype.json'), '--only-fixed']);
    expect(results(runs)).toBe(3);
    expect(runs[0]!.tool.driver.name).toBe('grype');
  });

  test('exit 2 from --fail-on (the user\'s choice in args or .grype.yaml) is findings, not failure', async () => {
    const h = harness();
    const runs = await grypeRunner.run({ target: 'alpine:3.16', args: ['--fail-on', 'high'] }, h.ctx);
    expect(h.records[0]).toMatchObject({ exitCode: 2, executionSuccessful: true });
    expect(results(runs)).toBe(3);
  });

  test('a user config file is passed with -c only when configured', async () => {
    const h = harness();
    await grypeRunner.run({ target: 'alpine:3.16', config: 'ci/grype.yaml' }, h.ctx);
    expect(calls(h.log)[0]!.argv).toContain('-c');
  });

  test('docker: the project mounted read-only, the report written to a mounted work dir, the socket for images', async () => {
    const h = harness();
    const runs = await grypeRunner.run({ target: 'registry.example.com/app:1.2.3', runner: 'docker' }, h.ctx);
    const docker = calls(h.log).find((c) => c.tool === 'DOCKER')!;
    expect(docker.argv).toEqual([
      'run', '--rm', '--name', expect.stringMatching(/^secgate-grype-[0-9a-f]{8}$/),
      '-v', `${h.cwd}:/src:ro`,
      '-v', `${h.ctx.workDir}:/out:rw`,
      ...(existsSync('/var/run/docker.sock') ? ['-v', '/var/run/docker.sock:/var/run/docker.sock:rw'] : []),
      '-w', '/src',
      'anchore/grype:latest',
      'registry.example.com/app:1.2.3', '-o', 'json', '--file', '/out/grype.json',
    ]);
    expect(results(runs)).toBe(3);
  });
});

describe('trivy runner', () => {
  test.each(['image', 'fs', 'repo', 'config', 'sbom', 'k8s'] as const)('trivy %s --format json --output <report> <target>', async (mode) => {
    const h = harness();
    await trivyRunner.run({ target: 'x', mode }, h.ctx);
    expect(calls(h.log)[0]!.argv).toEqual([mode, '--format', 'json', '--output', join(h.ctx.workDir, 'trivy.json'), 'x']);
  });

  test('--scanners from config; never --exit-code or --severity', async () => {
    const h = harness();
    const runs = await trivyRunner.run({ target: '.', mode: 'fs', scanners: ['vuln', 'secret'] }, h.ctx);
    const argv = calls(h.log)[0]!.argv;
    expect(argv).toContain('--scanners');
    expect(argv[argv.indexOf('--scanners') + 1]).toBe('vuln,secret');
    expect(argv).not.toContain('--exit-code');
    expect(argv).not.toContain('--severity');
    expect(results(runs)).toBe(3);
  });

  test('any non-zero exit is a failure (secgate never asked for --exit-code)', async () => {
    const h = harness({ FAKE_TRIVY_EXIT: '1' });
    await expect(trivyRunner.run({ target: 'x' }, h.ctx)).rejects.toBeInstanceOf(ScannerError);
  });
});

describe('ZAP runner', () => {
  test('native (inside the ZAP image): -J relative to /zap/wrk, the report read back from there', async () => {
    const wrk = mkdtempSync(join(tmpdir(), 'zap-wrk-'));
    const h = harness({ FAKE_ZAP_WRK: wrk });
    const runs = await zapRunner.run({ target: 'https://shop.example.test', runner: 'native', wrk_dir: wrk }, h.ctx);
    expect(calls(h.log)[0]!.argv).toEqual(['-t', 'https://shop.example.test', '-J', 'secgate-zap.json']);
    expect(runs[0]!.tool.driver.name).toMatch(/ZAP/);
    expect(results(runs)).toBeGreaterThan(0);
  });

  test('full scan with a rules file: copied into the work dir and passed with -c; a FAIL rule exits 1, still results', async () => {
    const h = harness();
    writeFileSync(join(h.cwd, 'zap-rules.conf'), '40012\tFAIL\t(Cross Site Scripting (Reflected))\n10038\tIGNORE\t(CSP)\n');
    const runs = await zapRunner.run({ target: 'https://shop.example.test', mode: 'full', rules: 'zap-rules.conf' }, h.ctx);
    const docker = calls(h.log).find((c) => c.tool === 'DOCKER')!;
    expect(docker.argv.slice(6)).toEqual(['ghcr.io/zaproxy/zaproxy:stable', 'zap-full-scan.py', '-t', 'https://shop.example.test', '-J', 'secgate-zap.json', '-c', 'secgate-zap-rules.conf']);
    expect(readFileSync(join(h.ctx.workDir, 'secgate-zap-rules.conf'), 'utf8')).toContain('40012\tFAIL');
    expect(h.records[0]!.exitCode).toBe(1);
    expect(results(runs)).toBeGreaterThan(0);
  });

  test('api scan: a local definition is copied where ZAP reads files; -f format', async () => {
    const h = harness();
    writeFileSync(join(h.cwd, 'openapi.json'), '{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{}}');
    await zapRunner.run({ mode: 'api', api_definition: 'openapi.json', api_format: 'openapi', network: 'host' }, h.ctx);
    const docker = calls(h.log).find((c) => c.tool === 'DOCKER')!;
    expect(docker.argv).toEqual(['run', '--rm', '--name', expect.stringMatching(/^secgate-[a-z-]+-[0-9a-f]{8}$/), '-v', `${h.ctx.workDir}:/zap/wrk/:rw`, '--network', 'host', 'ghcr.io/zaproxy/zaproxy:stable', 'zap-api-scan.py', '-t', '/zap/wrk/secgate-api-openapi.json', '-J', 'secgate-zap.json', '-f', 'openapi']);
  });

  test('a target without http(s):// is refused before ZAP starts', async () => {
    const h = harness();
    await expect(zapRunner.run({ target: 'localhost:8080' }, h.ctx)).rejects.toThrow('scanners.zap.target: "localhost:8080" must start with http:// or https://');
    expect(calls(h.log)).toEqual([]);
  });

  test('automation framework: zap.sh -cmd -autorun with the plan under /zap/wrk; the plan\'s report read back; a stale report never counts', async () => {
    const h = harness();
    writeFileSync(join(h.cwd, 'zap-plan.yaml'), [
      'env:', '  contexts:', '    - name: shop', '      urls: [https://shop.example.test]',
      'jobs:', '  - type: spider', '  - type: passiveScan-wait', '  - type: report', '    parameters:',
      '      template: traditional-json', '      reportDir: /zap/wrk/out', '      reportFile: zap-report.json', '',
    ].join('\n'));
    mkdirSync(join(h.cwd, 'out'));
    writeFileSync(join(h.cwd, 'out', 'zap-report.json'), 'stale');
    const runs = await zapRunner.run({ mode: 'automation', plan: 'zap-plan.yaml', report: 'out/zap-report.json' }, h.ctx);
    const docker = calls(h.log).find((c) => c.tool === 'DOCKER')!;
    expect(docker.argv).toEqual(['run', '--rm', '--name', expect.stringMatching(/^secgate-[a-z-]+-[0-9a-f]{8}$/), '-v', `${h.cwd}:/zap/wrk/:rw`, 'ghcr.io/zaproxy/zaproxy:stable', 'zap.sh', '-cmd', '-autorun', '/zap/wrk/zap-plan.yaml']);
    expect(results(runs)).toBeGreaterThan(0);

    // Exit 1 is the plan reporting errors: a failure, even though a report exists.
    const failing = harness({ FAKE_ZAP_EXIT: '1' });
    writeFileSync(join(failing.cwd, 'zap-plan.yaml'), readFileSync(join(h.cwd, 'zap-plan.yaml')));
    await expect(zapRunner.run({ mode: 'automation', plan: 'zap-plan.yaml', report: 'out/zap-report.json' }, failing.ctx)).rejects.toThrow('docker failed with exit code 1 (the plan reported errors)');
  });
});

describe('npm audit runner', () => {
  test('npm audit --json in dir, --omit from config; exit 1 with a report is findings', async () => {
    const h = harness();
    mkdirSync(join(h.cwd, 'web'));
    writeFileSync(join(h.cwd, 'web', 'package-lock.json'), '{}');
    const runs = await npmAuditRunner.run({ dir: 'web', omit: ['dev'] }, h.ctx);
    const c = calls(h.log)[0]!;
    expect(c.argv).toEqual(['audit', '--json', '--omit=dev']);
    expect(c.cwd).toBe(join(h.cwd, 'web'));
    expect(h.records[0]!.exitCode).toBe(1);
    expect(results(runs)).toBeGreaterThan(0);
  });

  test('installed versions come from the audited lock file, so the purl correlates with Grype/Trivy', async () => {
    const h = harness();
    writeFileSync(join(h.cwd, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/minimist': { version: '1.2.0' }, 'node_modules/mkdirp': { version: '0.5.1' } } }));
    const runs = await npmAuditRunner.run({}, h.ctx);
    const byName = (n: string) => runs.flatMap((r) => r.results ?? []).filter((r) => r.properties?.['packageName'] === n);
    expect(byName('minimist').length).toBeGreaterThan(0);
    for (const r of byName('minimist')) {
      expect(r.properties).toMatchObject({ packageVersion: '1.2.0', purl: 'pkg:npm/minimist@1.2.0' });
      expect(r.properties?.['packageVersionUnknown']).toBeUndefined();
    }
    // A package the lock does not list keeps its version unknown (never guessed).
    for (const r of byName('handlebars')) expect(r.properties?.['packageVersion']).not.toBe('1.2.0');
  });

  test('exit 1 with nothing on stdout is npm failing, not a clean audit', async () => {
    const h = harness({ FAKE_NPM_NO_REPORT: '1', FAKE_NPM_STDERR: 'npm error code EAI_AGAIN' });
    writeFileSync(join(h.cwd, 'package-lock.json'), '{}');
    await expect(npmAuditRunner.run({}, h.ctx)).rejects.toThrow('npm audit failed with exit code 1 and printed no report: npm error code EAI_AGAIN');
  });
});
