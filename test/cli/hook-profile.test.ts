import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const CONFIG = `version: 1
policy:
  fail_on:
    - { severity: high }
profiles:
  pre-push:
    policy:
      fail_on:
        - { severity: critical }
  lenient:
    policy:
      fail_on: []
`;

describe('--profile (secgate.yml profiles:)', () => {
  it('a profile replaces the top-level keys it gives, nothing else', () => {
    expect(parseConfig(CONFIG, 'secgate.yml').policy.fail_on).toEqual([{ severity: 'high' }]);
    expect(parseConfig(CONFIG, 'secgate.yml', 'pre-push').policy.fail_on).toEqual([{ severity: 'critical' }]);
  });

  it('an unknown profile is a ConfigError listing the known ones', () => {
    expect(() => parseConfig(CONFIG, 'secgate.yml', 'nightly')).toThrow(ConfigError);
    expect(() => parseConfig(CONFIG, 'secgate.yml', 'nightly')).toThrow(/no profile "nightly" \(profiles: pre-push, lenient\)/);
  });

  it('a mistake inside a profile is reported with its YAML path', () => {
    expect(() => parseConfig('version: 1\nprofiles:\n  pre-push:\n    policy:\n      fail_on: [{ severity: urgent }]\n', 'secgate.yml')).toThrow(/secgate.yml:5:\d+: profiles\.pre-push\.policy\.fail_on\[0\]\.severity/);
    expect(() => parseConfig('version: 1\nprofiles:\n  pre-push:\n    nonsense: 1\n', 'secgate.yml')).toThrow(/profiles\.pre-push\.nonsense: unknown key/);
  });

  it('check --profile changes the verdict the way the profile says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-profile-'));
    writeFileSync(join(dir, 'secgate.yml'), CONFIG);
    const reports = [join(FIXTURES, 'grype.json'), join(FIXTURES, 'trivy.json')];
    const strict = await runCli(['check', ...reports, '--sarif', join(dir, 'a.sarif')], { cwd: dir });
    const lenient = await runCli(['check', ...reports, '--sarif', join(dir, 'b.sarif'), '--profile', 'lenient'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(lenient.code).toBe(0);
    const missing = await runCli(['check', ...reports, '--sarif', join(dir, 'c.sarif'), '--profile', 'nope'], { cwd: dir });
    expect(missing.code).toBe(2);
  });
});
