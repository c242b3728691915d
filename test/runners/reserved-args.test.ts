import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { refuseReservedArgs } from '../../src/runners/reserved-args.js';
import { runCli } from '../helpers/cli.js';
import { fakeEnv } from './fakes.js';

describe('args that would change what secgate reads are refused', () => {
  it('catches the flag in every spelling, and lets other flags through', () => {
    const reserved = ['--format', '-f', '--output', '-o'];
    for (const args of [['--format', 'cyclonedx'], ['--format=table'], ['-f', 'sarif'], ['-fsarif'], ['-o', 'x.json'], ['--output=x.json']]) {
      expect(() => refuseReservedArgs('trivy', args, reserved)).toThrow(ConfigError);
    }
    expect(() => refuseReservedArgs('trivy', ['--ignore-unfixed', '--severity', 'HIGH', '--skip-dirs', 'node_modules', '--offline-scan'], reserved)).not.toThrow();
  });

  it('secgate run: trivy told to write CycloneDX is exit 2 with one line, not a pass with zero findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-args-'));
    writeFileSync(join(dir, 'secgate.yml'), 'version: 1\nscanners:\n  trivy: { target: ".", mode: fs, runner: native, args: ["--format", "cyclonedx"] }\n');
    const r = await runCli(['run', '--quiet'], { cwd: dir, env: fakeEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/scanners\.trivy\.args: "--format" is set by secgate/);
  });
});
