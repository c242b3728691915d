import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { presetDir } from '../../src/config/compose.js';
import { ConfigError } from '../../src/errors.js';

const err = (yaml: string): string => {
  try {
    parseConfig(yaml, 'secgate.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).oneLine();
  }
  throw new Error('expected a ConfigError');
};

describe('invalid policy: one line with file, line:column and the YAML path', () => {
  it.each([
    ['policy:\n  fail_on:\n    - { severity: hihg }\n', /^secgate.yml:3:\d+: policy.fail_on\[0\].severity: /],
    ['policy:\n  fail_on:\n    - { severity: high, tool: [zap] }\n', /^secgate.yml:3:\d+: policy.fail_on\[0\].tool: unknown key \(allowed: severity, tools, kinds, kind, ids/],
    ['policy:\n  quality_gate: strict\n', /policy.quality_gate: must be one of "enforce", "warn", "ignore"/],
    ['waivers:\n  - { id: CVE-2021-44228, reason: later }\n', /^secgate.yml:2:\d+: waivers\[0\]: missing required key "expires"/],
    ['waivers:\n  - { id: CVE-2021-44228, reason: x, expires: "31/01/2027" }\n', /waivers\[0\].expires: must match pattern/],
    ['waivers:\n  - { tool: zap, reason: "everything", expires: 2027-01-01 }\n', /^secgate.yml waivers\[0\]: a waiver needs a scope: at least one of id, rule, package, path, url/],
    ['extends: paranoid\n', /extends: no preset named "paranoid" — use one of: default, strict, new-code-only, sca-only/],
  ])('%s', (yaml, message) => {
    expect(err(yaml)).toMatch(message);
  });
});

describe('presets', () => {
  it('every preset in rules/presets is valid secgate.yml', () => {
    const files = readdirSync(presetDir()!).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(() => parseConfig(readFileSync(join(presetDir()!, f), 'utf8'), f)).not.toThrow();
  });

  it('extends: the preset under the file’s own keys (a key given replaces the preset’s value)', () => {
    const c = parseConfig('extends: strict\npolicy:\n  warn_on: []\n', 'secgate.yml');
    expect(c.extends).toBe('strict');
    expect(c.policy.fail_on).toContainEqual({ kev: true });
    expect(c.policy.warn_on).toEqual([]);
    expect(c.policy.waiver_max_days).toBe(90);
  });

  it('kind (singular or list) is read as kinds', () => {
    const c = parseConfig('policy:\n  fail_on:\n    - { kind: container, fixable: true, severity: critical }\n    - { kind: [sast, dast], kinds: [sast] }\n', 'secgate.yml');
    expect(c.policy.fail_on).toEqual([{ kinds: ['container'], fixable: true, severity: 'critical' }, { kinds: ['sast', 'dast'] }]);
  });
});

describe('.secgate-waivers.yml', () => {
  it('is read beside secgate.yml and added to its waivers, each naming its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-cfg-'));
    writeFileSync(join(dir, 'secgate.yml'), 'waivers:\n  - { id: CVE-1, reason: a, expires: 2027-01-01 }\n');
    writeFileSync(join(dir, '.secgate-waivers.yml'), 'version: 1\nwaivers:\n  - { rule: "10038", tool: zap, reason: b, expires: 2027-01-01, owner: web-team }\n');
    const c = await loadConfig(undefined, dir);
    expect(c.waivers.map((w) => w.origin)).toEqual(['secgate.yml waivers[0]', '.secgate-waivers.yml waivers[0]']);
  });

  it('holds only waivers: a policy in it is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-cfg-'));
    writeFileSync(join(dir, '.secgate-waivers.yml'), 'policy: { fail_on: [] }\n');
    await expect(loadConfig(undefined, dir)).rejects.toThrow(/\.secgate-waivers\.yml: policy: unknown key \(allowed: version, waivers\)/);
  });
});
