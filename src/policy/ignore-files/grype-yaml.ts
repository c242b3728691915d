import type { Waiver } from '../waivers.js';
import { escapeGlob, readYaml, type IgnoreFileResult } from './common.js';

export const GRYPE_CONFIGS = ['.grype.yaml', '.grype.yml', '.grype/config.yaml'];

/**
 * Grype's config `ignore:` rules: { vulnerability, reason, fix-state, package: { name, version,
 * type, location }, include-aliases (also match the vulnerability's aliases), … }. Every field given must match; Grype has no expiry, so
 * these are honoured without one (and flagged "no expiry"). Rules about VEX statuses
 * (vex-status) only tune Grype's own VEX handling and are not waivers.
 */
export function parseGrypeIgnore(text: string, file = '.grype.yaml'): IgnoreFileResult {
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  const yaml = readYaml(text, file);
  if ('problem' in yaml) return { waivers, problems: [yaml.problem] };
  const rules = (yaml.doc as { ignore?: unknown } | null)?.ignore;
  if (rules === undefined || rules === null) return { waivers, problems };
  if (!Array.isArray(rules)) return { waivers, problems: [`${file}: ignore: expected a list of rules`] };
  rules.forEach((r: unknown, i) => {
    const where = `${file} ignore[${i}]`;
    if (typeof r !== 'object' || r === null) {
      problems.push(`${where}: expected a mapping`);
      return;
    }
    const rule = r as Record<string, unknown>;
    if (rule['vex-status'] !== undefined) return;
    const pkg = (rule['package'] ?? {}) as Record<string, unknown>;
    // Narrowing keys secgate cannot see in a SARIF result: honouring the rule without them would
    // ignore more than Grype does, so the rule is not applied (fail closed) and said so.
    const unknown = [...['namespace', 'match-type', 'vex-justification'].filter((k) => str(rule[k])), ...['language', 'upstream-name'].filter((k) => str(pkg[k])).map((k) => `package.${k}`)];
    if (unknown.length) {
      problems.push(`${where}: uses ${unknown.join(', ')}, which secgate cannot check on merged results; rule not applied`);
      return;
    }
    const vuln = str(rule['vulnerability']);
    const name = str(pkg['name']);
    const version = str(pkg['version']);
    const location = str(pkg['location']);
    const fixState = str(rule['fix-state']);
    const type = str(pkg['type']);
    if (!vuln && !name && !location && !fixState) {
      problems.push(`${where}: a rule with no vulnerability, package or fix-state would ignore everything; not applied`);
      return;
    }
    waivers.push({
      origin: where,
      source: 'grype',
      // Grype compares the match's own id unless the rule says include-aliases: true.
      ...(vuln ? { ids: [escapeGlob(vuln)], ...(rule['include-aliases'] === true ? {} : { primaryIdOnly: true }) } : {}),
      ...(name ? { packageNames: [name] } : {}),
      ...(version ? { exactVersions: [version] } : {}),
      ...(location ? { paths: [location.replace(/^\/+/, '')] } : {}),
      ...(fixState ? { fixStates: [fixState] } : {}),
      ...(type ? { ecosystems: [type.toLowerCase()] } : {}),
      reason: str(rule['reason']) ?? `ignore rule in ${file}`,
    });
  });
  return { waivers, problems };
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}
