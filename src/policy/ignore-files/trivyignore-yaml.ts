import { purlCore } from '../../scanners/package-id.js';
import type { Waiver } from '../waivers.js';
import { escapeGlob, parseDay, readYaml, type IgnoreFileResult } from './common.js';

export const TRIVYIGNORE_YAML = '.trivyignore.yaml';

/** Sections of .trivyignore.yaml and the secgate kinds their entries apply to. */
const SECTIONS: Record<string, string[]> = {
  vulnerabilities: ['sca', 'container'],
  misconfigurations: ['iac'],
  secrets: ['secret'],
  licenses: ['license'],
};

/**
 * Trivy's .trivyignore.yaml: per section, entries { id, paths (doublestar globs), purls (vulnerabilities
 * only), expired_at, statement }. Trivy matches `purls` like packageurl's Match: the entry's
 * version, when given, must be equal; `expired_at` ends the entry at the start of that day.
 */
export function parseTrivyIgnoreYaml(text: string, file = TRIVYIGNORE_YAML): IgnoreFileResult {
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  const yaml = readYaml(text, file);
  if ('problem' in yaml) return { waivers, problems: [yaml.problem] };
  const doc = yaml.doc;
  if (doc === null || doc === undefined) return { waivers, problems };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { waivers, problems: [`${file}: expected a mapping of vulnerabilities/misconfigurations/secrets/licenses`] };
  for (const [section, entries] of Object.entries(doc as Record<string, unknown>)) {
    const kinds = SECTIONS[section];
    if (!kinds) {
      problems.push(`${file}: ${section}: unknown section (Trivy reads ${Object.keys(SECTIONS).join(', ')})`);
      continue;
    }
    if (entries === null) continue;
    if (!Array.isArray(entries)) {
      problems.push(`${file}: ${section}: expected a list`);
      continue;
    }
    entries.forEach((e: unknown, i) => {
      const where = `${file} ${section}[${i}]`;
      if (typeof e !== 'object' || e === null || typeof (e as { id?: unknown }).id !== 'string') {
        problems.push(`${where}: an entry needs an "id"`);
        return;
      }
      const entry = e as { id: string; paths?: unknown; purls?: unknown; expired_at?: unknown; statement?: unknown };
      const paths = strings(entry.paths);
      const purls = strings(entry.purls);
      const exp = entry.expired_at instanceof Date ? entry.expired_at.toISOString().slice(0, 10) : entry.expired_at === undefined ? undefined : String(entry.expired_at);
      const expiresAt = exp !== undefined ? parseDay(exp.slice(0, 10)) : undefined;
      if (exp !== undefined && !expiresAt) {
        problems.push(`${where}.expired_at: "${exp}" is not a date`);
        return;
      }
      const packages = purls?.map((p) => {
        const core = purlCore(p) ?? p;
        // A purl without a version covers every version, as packageurl's Match does.
        return /@[^/]*$/.test(core.slice(4)) ? escapeGlob(core) : `${escapeGlob(core)}{,@*}`;
      });
      waivers.push({
        origin: where,
        source: 'trivyignore-yaml',
        ids: [escapeGlob(entry.id)],
        kinds,
        ...(paths ? { paths } : {}),
        ...(packages ? { packages } : {}),
        reason: typeof entry.statement === 'string' && entry.statement ? entry.statement : `listed in ${file}`,
        ...(expiresAt ? { expiresAt, expires: exp!.slice(0, 10) } : {}),
      });
    });
  }
  return { waivers, problems };
}

function strings(x: unknown): string[] | undefined {
  if (!Array.isArray(x)) return undefined;
  const out = x.filter((s): s is string => typeof s === 'string' && s !== '');
  return out.length ? out : undefined;
}
