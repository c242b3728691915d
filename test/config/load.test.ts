import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

function configError(text: string): string {
  try {
    parseConfig(text, 'secgate.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const line = (e as ConfigError).oneLine();
    expect(line.split('\n')).toHaveLength(1);
    return line;
  }
  throw new Error('expected a ConfigError');
}

describe('secgate.yml errors point at the file, line:column and YAML path', () => {
  // The position is the key's (as the README shows it), the path names the value.
  it('a wrong enum value', () => {
    const line = configError('version: 1\npolicy:\n  fail_on:\n    - severity: severe\n');
    expect(line).toMatch(/^secgate\.yml:4:7: policy\.fail_on\[0\]\.severity: must be one of "critical", "high", "medium", "low", "info"/);
  });

  it('an unknown key, listing the allowed ones', () => {
    const line = configError('version: 1\npolicy:\n  fail_onn:\n    - severity: high\n');
    expect(line).toMatch(/^secgate\.yml:3:3: policy\.fail_onn: unknown key \(allowed: [^)]*unknown_severity[^)]*fail_on[^)]*warn_on/);
  });

  it('an unknown top-level key', () => {
    expect(configError('polcy:\n  fail_on: []\n')).toMatch(/^secgate\.yml:1:1: polcy: unknown key \(allowed: [^)]*policy/);
  });

  it('a wrong type', () => {
    expect(configError('policy:\n  fail_on:\n    - max: lots\n')).toMatch(/^secgate\.yml:3:7: policy\.fail_on\[0\]\.max: must be integer/);
  });

  it('invalid YAML, with its position', () => {
    expect(configError('policy:\n  fail_on: [\n')).toMatch(/^secgate\.yml:3:1: invalid YAML: Flow sequence/);
    expect(configError('policy:\n  a: 1\n  a: 2\n')).toMatch(/^secgate\.yml:3:3: invalid YAML: /);
  });

  it('a document that is not a mapping', () => {
    expect(configError('- a\n- b\n')).toMatch(/must be a mapping \(key: value\), not a list/);
  });

  it('an empty file is the defaults', () => {
    const c = parseConfig('', 'secgate.yml');
    expect(c.policy.fail_on).toEqual([{ severity: 'high' }]);
    expect(c.policy.unknown_severity).toBe('medium');
  });
});

describe('loading', () => {
  it('no file: the default policy (fail on critical or high)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-cfg-'));
    const c = await loadConfig(undefined, dir);
    expect(c.source).toBeUndefined();
    expect(c.policy.fail_on).toEqual([{ severity: 'high' }]);
  });

  it('secgate.yml in the working directory is used; an explicit --config that is missing is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-cfg-'));
    writeFileSync(join(dir, 'secgate.yml'), 'policy:\n  unknown_severity: low\n');
    expect((await loadConfig(undefined, dir)).policy.unknown_severity).toBe('low');
    await expect(loadConfig(join(dir, 'other.yml'), dir)).rejects.toThrow(/other\.yml: no such file/);
  });
});
