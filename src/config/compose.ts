import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { DEFAULT_POLICY, normaliseRule, type PolicyConfig } from './sections/policy.js';
import { SCOPE_KEYS, type WaiverConfig } from './sections/waivers.js';
import type { Config } from './types.js';

/**
 * A validated secgate.yml → Config: the preset named by `extends` under the file's own keys
 * (a key given in the file replaces the preset's whole value), `kind` spelled `kinds`,
 * waivers tagged with where they were written.
 */
export function composeConfig(raw: Record<string, unknown>, file: string, readPreset: (name: string) => Record<string, unknown> = loadPreset): Config {
  const name = raw['extends'] as string | undefined;
  const preset = name ? readPreset(name) : {};
  const policy: PolicyConfig = {
    ...structuredClone(DEFAULT_POLICY),
    ...((preset['policy'] as object | undefined) ?? {}),
    ...((raw['policy'] as object | undefined) ?? {}),
  };
  policy.fail_on = policy.fail_on.map(normaliseRule);
  policy.warn_on = policy.warn_on.map(normaliseRule);
  const waivers = [
    ...(((preset['waivers'] as WaiverConfig[] | undefined) ?? []).map((w, i) => ({ ...w, origin: `preset ${name} waivers[${i}]` }))),
    ...(((raw['waivers'] as WaiverConfig[] | undefined) ?? []).map((w, i) => ({ ...w, origin: `${file} waivers[${i}]` }))),
  ];
  for (const w of waivers) {
    if (!SCOPE_KEYS.some((k) => w[k] !== undefined)) {
      throw new ConfigError(`${w.origin}: a waiver needs a scope: at least one of ${SCOPE_KEYS.join(', ')}`, 'say what it waives, e.g. id: CVE-2021-44228 with package: "pkg:maven/org.apache.logging.log4j/*"');
    }
  }
  const vex = [...((preset['vex'] as string[] | undefined) ?? []), ...((raw['vex'] as string[] | undefined) ?? [])];
  return { source: file, policy, waivers, vex, ...(name ? { extends: name } : {}) };
}

/** rules/presets beside the package: found by walking up from this module (src/ or dist/chunks/). */
export function presetDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'rules', 'presets');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export function presetNames(): string[] {
  const dir = presetDir();
  if (!dir) return [];
  return ['default', 'strict', 'new-code-only', 'sca-only'].filter((n) => existsSync(join(dir, `${n}.yml`)));
}

/** A preset is data (rules/presets/<name>.yml) in secgate.yml's own shape, validated like it. */
export function loadPreset(name: string): Record<string, unknown> {
  const dir = presetDir();
  const file = dir ? join(dir, `${name}.yml`) : undefined;
  if (!file || !existsSync(file)) {
    throw new ConfigError(`extends: no preset named "${name}"`, `use one of: ${presetNames().join(', ') || '(no presets installed)'}`);
  }
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') throw new ConfigError(`preset ${name} (${file}) is empty`, 'reinstall secgate');
  if (raw['extends']) throw new ConfigError(`preset ${name} may not itself use extends`, 'this is a secgate bug: report it');
  return raw;
}
