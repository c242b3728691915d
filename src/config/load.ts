import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
// schema.ts precompiled by scripts/gen-validators.mjs: compiling the 73 KB schema cost 100–450 ms at every check and run.
import { validateConfig } from '../generated/config.js';
import { DEFAULT_POLICY } from './sections/policy.js';
import { runSections } from './sections/scanners.js';
import { composeConfig } from './compose.js';
import { WAIVERS_FILE } from './sections/waivers.js';
import type { Config } from './types.js';
import { monitoringSections } from './sections/monitoring.js';
import { applyProfile } from './sections/profiles.js';

export const DEFAULT_CONFIG_FILE = 'secgate.yml';

/** The configuration with nothing configured: fail on any unsuppressed critical or high. */
export function defaultConfig(): Config {
  return { ...runSections({}), source: undefined, policy: structuredClone(DEFAULT_POLICY), waivers: [], vex: [] };
}

/**
 * Load secgate.yml: an explicit path must exist; the default path is used when present.
 * Every problem is a ConfigError naming the file, line:column and the YAML path.
 */
export async function loadConfig(path: string | undefined, cwd = process.cwd(), profile?: string): Promise<Config> {
  const explicit = path !== undefined;
  const file = path ?? (existsSync(`${cwd}/${DEFAULT_CONFIG_FILE}`) ? `${cwd}/${DEFAULT_CONFIG_FILE}` : undefined);
  if (!file && profile) throw new ConfigError(`no ${DEFAULT_CONFIG_FILE}: profile "${profile}" is not defined`, 'run `secgate init`, or add profiles: to your configuration');
  const config = file ? parseConfig(await readConfigText(file, explicit), path ?? DEFAULT_CONFIG_FILE, profile) : defaultConfig();
  // .secgate-waivers.yml in the working directory: waivers kept apart from the policy (other owners, other reviews).
  const waiversFile = `${cwd}/${WAIVERS_FILE}`;
  if (existsSync(waiversFile)) config.waivers.push(...parseWaiversFile(await readConfigText(waiversFile, false), WAIVERS_FILE));
  return config;
}

/** .secgate-waivers.yml: `waivers:` (and `version:`) only, validated and located like secgate.yml. */
export function parseWaiversFile(text: string, file: string): Config['waivers'] {
  const doc = parseDocument(text);
  const keys = doc.errors.length ? [] : Object.keys((toPlain(doc, file) as Record<string, unknown> | null) ?? {});
  const extra = keys.find((k) => k !== 'waivers' && k !== 'version');
  if (extra) throw new ConfigError(`${file}: ${extra}: unknown key (allowed: version, waivers)`, 'the waivers file holds only `waivers:`; policy goes in secgate.yml');
  return parseConfig(text, file).waivers;
}

/** The document as plain data; the yaml library refuses alias bombs (aliases of aliases) with a thrown error. */
function toPlain(doc: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    throw new ConfigError(`${file}: cannot be read: ${(e as Error).message}`, 'remove the YAML aliases (*name) that multiply the document');
  }
}

async function readConfigText(file: string, explicit: boolean): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, explicit ? 'check the --config path' : undefined);
  }
  return text;
}

/** The pure half of loadConfig. */
export function parseConfig(text: string, file: string, profile?: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // linePos is only filled with prettyErrors; the offset always is.
    const pos = yamlError.linePos?.[0] ?? (yamlError.pos ? lines.linePos(yamlError.pos[0]) : undefined);
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${yamlError.message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  const raw: unknown = toPlain(doc, file) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${file}: the configuration must be a mapping (key: value), not ${Array.isArray(raw) ? 'a list' : typeof raw}`, 'start from `secgate init`, or see schema/secgate.schema.json');
  }
  const problem = validate(raw);
  if (problem) {
    const where = locate(doc, lines, problem.path);
    throw new ConfigError(`${file}${where ? `:${where}` : ''}: ${problem.path.length ? problem.path.join('.').replace(/\.(\d+)/g, '[$1]') : '(top level)'}: ${problem.message}`, 'see schema/secgate.schema.json or `secgate --help`');
  }
  // --profile NAME: its keys replace the top-level ones (already validated with the same schemas).
  const chosen = profile ? applyProfile(raw as Record<string, unknown>, profile, file) : (raw as Record<string, unknown>);
  return { ...withDefaults(chosen, file), ...runSections(chosen), ...monitoringSections(chosen) };
}

function withDefaults(raw: Record<string, unknown>, file: string): Config {
  return composeConfig(raw, file);
}

function validate(raw: unknown): { path: (string | number)[]; message: string } | undefined {
  // allErrors and verbose (parentSchema, for the allowed keys), as generated.
  if (validateConfig(raw)) return undefined;
  const errors = validateConfig.errors ?? [];
  // The most specific error first: the deepest path, and "unknown key" over the rest.
  const best = [...errors].sort((a, b) => depth(b) - depth(a) || score(b) - score(a))[0]!;
  return { path: pathOf(best), message: messageOf(best) };
}

function depth(e: ErrorObject): number {
  return pathOf(e).length;
}
function score(e: ErrorObject): number {
  return e.keyword === 'additionalProperties' ? 2 : e.keyword === 'enum' || e.keyword === 'type' ? 1 : 0;
}

function pathOf(e: ErrorObject): (string | number)[] {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (e.keyword === 'additionalProperties') parts.push(String((e.params as { additionalProperty: string }).additionalProperty));
  return parts;
}

function messageOf(e: ErrorObject): string {
  const sch = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key (allowed: ${Object.keys(sch?.properties ?? {}).join(', ')})`;
    case 'enum':
      return `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'required':
      return `missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
    default:
      return e.message ?? 'is invalid';
  }
}

/** line:col of a YAML path (the key, for an unknown key; else the value). */
function locate(doc: Document, lines: LineCounter, path: (string | number)[]): string | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset: number | undefined = node?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === part);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value as Node | null;
      if (node?.range) offset = node.range[0];
      if (part === path[path.length - 1] && pair.key && (pair.key as Node).range) offset = (pair.key as Node).range![0];
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part] as Node | null;
      if (node?.range) offset = node.range[0];
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}
