/**
 * A waiver as written in secgate.yml `waivers:` or .secgate-waivers.yml. At least one scope
 * key is required, and `reason` and `expires` always are: an accepted risk is dated and explained.
 */
export interface WaiverConfig {
  /** Vulnerability id, its aliases, or the rule id (glob): CVE-2021-44228, GHSA-*, 10038. */
  id?: string;
  /** Rule id (glob). */
  rule?: string;
  /** Tool name (case-insensitive; "zap" also matches "OWASP ZAP"). */
  tool?: string;
  /** Package URL glob without qualifiers: pkg:maven/org.apache.logging.log4j/*. */
  package?: string;
  /** Semver range of the package version: "<2.17.0". */
  version?: string;
  /** File path glob. */
  path?: string;
  /** URL glob (dynamic scans). */
  url?: string;
  reason: string;
  /** YYYY-MM-DD; the waiver holds through that day (UTC). */
  expires: string;
  owner?: string;
  ticket?: string;
}

/** A waiver must name at least one of these (a tool alone would switch a scanner off). */
export const SCOPE_KEYS = ['id', 'rule', 'package', 'path', 'url'] as const;

const nonEmpty = (description: string) => ({ type: 'string', minLength: 1, description });

export const waiverSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason', 'expires'],
  properties: {
    id: nonEmpty('Vulnerability id or alias, or rule id (glob): CVE-2021-44228, GHSA-*.'),
    rule: nonEmpty('Rule id (glob).'),
    tool: nonEmpty('Tool name (case-insensitive).'),
    package: nonEmpty('Package URL glob: pkg:maven/org.apache.logging.log4j/*.'),
    version: nonEmpty('Semver range of the package version: "<2.17.0".'),
    path: nonEmpty('File path glob: src/legacy/**.'),
    url: nonEmpty('URL glob: https://staging.example.com/static/*.'),
    reason: nonEmpty('Why the risk is accepted.'),
    // YAML reads an unquoted 2027-01-31 as a date; the loader turns it back into this string.
    expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Last day the waiver holds (YYYY-MM-DD, UTC).' },
    owner: nonEmpty('Who accepted the risk.'),
    ticket: nonEmpty('Where it is tracked.'),
  },
} as const;

export const waiversSchema = {
  type: 'array',
  items: waiverSchema,
  description: 'Accepted risks: matching findings stay in the SARIF log, suppressed, until `expires`.',
} as const;

/** The separate waivers file, read from the working directory when present. */
export const WAIVERS_FILE = '.secgate-waivers.yml';

export const waiversFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { const: 1 }, waivers: waiversSchema },
} as const;
