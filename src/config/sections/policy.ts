import { SEVERITIES, type Severity } from '../../sarif/severity.js';
import { TOOL_KINDS, type ToolKind } from '../../sarif/props.js';

/** One threshold: fail (or warn) when more than `max` matching, unsuppressed, distinct findings. */
export interface ThresholdRule {
  /** This severity or above. */
  severity?: Severity;
  tools?: string[];
  kinds?: ToolKind[];
  max?: number;
}

export interface PolicyConfig {
  /** Severity for findings whose scanner gives none we understand. */
  unknown_severity: Severity;
  fail_on: ThresholdRule[];
  warn_on: ThresholdRule[];
}

export const DEFAULT_POLICY: PolicyConfig = {
  unknown_severity: 'medium',
  fail_on: [{ severity: 'high' }],
  warn_on: [],
};

const thresholdRule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    severity: { enum: [...SEVERITIES], description: 'This severity or above.' },
    tools: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Only findings from these tools (tool.driver.name, case-insensitive).' },
    kinds: { type: 'array', items: { enum: [...TOOL_KINDS] }, description: 'Only findings of these tool kinds.' },
    max: { type: 'integer', minimum: 0, default: 0, description: 'Allowed count of distinct findings; more fails.' },
  },
};

export const policySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'When the build fails.',
  properties: {
    unknown_severity: { enum: [...SEVERITIES], default: 'medium', description: 'Severity given to findings whose scanner reports none (or "unknown").' },
    fail_on: { type: 'array', items: thresholdRule, description: 'Any rule exceeded fails the build (exit 1). Default: [{ severity: high }].' },
    warn_on: { type: 'array', items: thresholdRule, description: 'Any rule exceeded is reported as a warning.' },
  },
} as const;
