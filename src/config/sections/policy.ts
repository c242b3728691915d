import { SEVERITIES, type Severity } from '../../sarif/severity.js';
import { TOOL_KINDS, type ToolKind } from '../../sarif/props.js';

/**
 * One threshold: fail (or warn) when more than `max` matching, unsuppressed, distinct findings.
 * Every matcher given must hold (AND); a list inside one matcher is any-of (OR).
 */
export interface ThresholdRule {
  /** A single severity means "this or above"; a list means exactly those. */
  severity?: Severity | Severity[];
  tools?: string[];
  /** `kind` (singular, a word or a list) is accepted as written in the docs; loaded into `kinds`. */
  kinds?: ToolKind[];
  kind?: ToolKind | ToolKind[];
  /** Globs on the rule id, the vulnerability id and its aliases (CVE-2021-*, GHSA-*, 10038). */
  ids?: string[];
  /** Globs on the rule id only. */
  rules?: string[];
  /** CWE-79, CWE-8* … (matched against the result's CWE list and tags). */
  cwes?: string[];
  /** Globs on the file path (artifact URI) of the first location. */
  paths?: string[];
  /** Globs on the URL of a dynamic-scan finding. */
  urls?: string[];
  /** Globs on the package URL (without qualifiers): pkg:npm/lodash@*, pkg:maven/org.apache.*. */
  packages?: string[];
  /** true: only findings with a fix version; false: only those without. */
  fixable?: boolean;
  /** Minimum CVSS base score (any of the result's scores). */
  cvss?: number;
  /** Minimum EPSS probability (0–1). */
  epss?: number;
  /** true: only findings in CISA's Known Exploited Vulnerabilities catalogue. */
  kev?: boolean;
  /** true: only findings that are new against the baseline (or --diff-base). */
  new?: boolean;
  max?: number;
}

export type QualityGateMode = 'enforce' | 'warn' | 'ignore';

export interface PolicyConfig {
  /** Severity for findings whose scanner gives none we understand. */
  unknown_severity: Severity;
  fail_on: ThresholdRule[];
  warn_on: ThresholdRule[];
  /** Scan health beyond "every non-optional scanner succeeded": these kinds/tools must have run. */
  require: { kinds?: ToolKind[]; tools?: string[] };
  /** What a SonarQube quality gate in ERROR does to the build. */
  quality_gate: QualityGateMode;
  /** Longest a waiver may run, counted from today. */
  waiver_max_days: number;
  /** A waiver expiring within this many days is reported as expiring soon. */
  waiver_warn_days: number;
  /** Read the scanners' own ignore files (.trivyignore, .grype.yaml, ZAP rules) from the working directory. */
  ignore_files: boolean;
  /** How many findings a reason names (the rest are counted). */
  explain_top: number;
}

export const DEFAULT_POLICY: PolicyConfig = {
  unknown_severity: 'medium',
  fail_on: [{ severity: 'high' }],
  warn_on: [],
  require: {},
  quality_gate: 'enforce',
  waiver_max_days: 365,
  waiver_warn_days: 14,
  ignore_files: true,
  explain_top: 10,
};

const globs = (what: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: what });
const kindEnum = { enum: [...TOOL_KINDS] };
const severityEnum = { enum: [...SEVERITIES] };

export const thresholdRuleSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    severity: {
      oneOf: [severityEnum, { type: 'array', items: severityEnum, minItems: 1 }],
      description: 'A severity: that severity or above. A list: exactly those severities.',
    },
    tools: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Only findings from these tools (tool.driver.name, case-insensitive; "zap" also matches "OWASP ZAP").' },
    kinds: { type: 'array', items: kindEnum, minItems: 1, description: 'Only findings of these tool kinds.' },
    kind: { oneOf: [kindEnum, { type: 'array', items: kindEnum, minItems: 1 }], description: 'Same as kinds (one kind or a list).' },
    ids: globs('Globs on the rule id, vulnerability id and aliases (CVE-2021-*, GHSA-*).'),
    rules: globs('Globs on the rule id.'),
    cwes: globs('CWE ids or globs (CWE-79, CWE-8*).'),
    paths: globs('Globs on the file path of the finding (src/**, **/package-lock.json).'),
    urls: globs('Globs on the URL of a dynamic-scan finding (https://staging.example.com/api/**).'),
    packages: globs('Globs on the package URL without qualifiers (pkg:npm/lodash@*, pkg:maven/org.apache.logging.log4j/*).'),
    fixable: { type: 'boolean', description: 'true: only findings with a fix version; false: only those without one.' },
    cvss: { type: 'number', minimum: 0, maximum: 10, description: 'Minimum CVSS base score.' },
    epss: { type: 'number', minimum: 0, maximum: 1, description: 'Minimum EPSS probability (0–1).' },
    kev: { type: 'boolean', description: 'true: only findings in the CISA KEV catalogue.' },
    new: { type: 'boolean', description: 'true: only findings new against the baseline (--baseline or --diff-base).' },
    max: { type: 'integer', minimum: 0, default: 0, description: 'Allowed count of distinct findings; more fails.' },
  },
};

export const policySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'When the build fails.',
  properties: {
    unknown_severity: { ...severityEnum, default: 'medium', description: 'Severity given to findings whose scanner reports none (or "unknown").' },
    fail_on: { type: 'array', items: thresholdRuleSchema, description: 'Any rule exceeded fails the build (exit 1). Default: [{ severity: high }].' },
    warn_on: { type: 'array', items: thresholdRuleSchema, description: 'Any rule exceeded is reported as a warning.' },
    require: {
      type: 'object',
      additionalProperties: false,
      description: 'Scans that must have run (and succeeded); otherwise no verdict is possible (exit 2).',
      properties: {
        kinds: { type: 'array', items: kindEnum, minItems: 1, description: 'e.g. [container]: a container scan is mandatory.' },
        tools: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Tool names that must have run.' },
      },
    },
    quality_gate: { enum: ['enforce', 'warn', 'ignore'], default: 'enforce', description: 'SonarQube quality gate: enforce (ERROR fails the build), warn, or ignore.' },
    waiver_max_days: { type: 'integer', minimum: 1, default: 365, description: 'A waiver may not expire further than this many days from today.' },
    waiver_warn_days: { type: 'integer', minimum: 0, default: 14, description: 'Waivers expiring within this many days are reported.' },
    ignore_files: { type: 'boolean', default: true, description: "Read the scanners' own ignore files in the working directory (.trivyignore, .trivyignore.yaml, .grype.yaml, ZAP rules TSV) as waivers." },
    explain_top: { type: 'integer', minimum: 1, default: 10, description: 'How many findings each violated rule lists.' },
  },
} as const;

/** `kind`/`kinds` → `kinds`, so the evaluator reads one spelling. */
export function normaliseRule(rule: ThresholdRule): ThresholdRule {
  const { kind, ...rest } = rule;
  if (kind === undefined) return rest;
  const kinds = [...(rest.kinds ?? []), ...(Array.isArray(kind) ? kind : [kind])];
  return { ...rest, kinds: [...new Set(kinds)] };
}
