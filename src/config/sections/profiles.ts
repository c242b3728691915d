import { ConfigError } from '../../errors.js';

/** The keys a profile may replace. */
export const PROFILE_KEYS = ['extends', 'policy', 'scanners', 'reports', 'defaults'] as const;

/**
 * `profiles:` — named variants of the configuration, chosen with `--profile NAME` (the pre-push
 * hook uses `pre-push`). Each key a profile gives replaces the top-level key of that name whole:
 * `profiles: { pre-push: { scanners: { trivy: … } } }` runs only trivy before a push and keeps
 * the top-level policy. Validated with the same section schemas as the top level.
 */
export function profilesSchema(sections: Record<(typeof PROFILE_KEYS)[number], unknown>): Record<string, unknown> {
  return {
    type: 'object',
    description: 'Named variants chosen with --profile NAME (e.g. pre-push: fewer, faster scanners). A key given in a profile replaces the top-level key whole.',
    propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(PROFILE_KEYS.map((k) => [k, sections[k]])),
    },
  };
}

/** The validated raw configuration as the named profile sees it (pure; `profiles` dropped). */
export function applyProfile(raw: Record<string, unknown>, name: string, file: string): Record<string, unknown> {
  const profiles = (raw['profiles'] as Record<string, Record<string, unknown>> | undefined) ?? {};
  const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (!profile) {
    const known = Object.keys(profiles);
    throw new ConfigError(
      `${file}: no profile "${name}"${known.length ? ` (profiles: ${known.join(', ')})` : ''}`,
      `add it, e.g.\n  profiles:\n    ${name}:\n      scanners:\n        trivy: { mode: fs, target: "." }`,
    );
  }
  const { profiles: _dropped, ...rest } = raw;
  return { ...rest, ...structuredClone(profile) };
}
