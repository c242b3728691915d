import { SEVERITIES, type Severity } from '../../sarif/severity.js';
import { TOOL_KINDS, type ToolKind } from '../../sarif/props.js';

/** Which findings trigger an action (all given conditions must hold). */
export interface ActionWhen {
  severity?: Severity;
  tools?: string[];
  kinds?: ToolKind[];
  /** Rule ids (exact) of the findings. */
  rules?: string[];
}

export interface ActionConfig {
  name: string;
  when: ActionWhen;
  /** argv array: never a shell string. */
  command?: string[];
  webhook?: { url: string; secret_env?: string; headers?: Record<string, string> };
  ansible?: { playbook: string; inventory?: string; args?: string[] };
  /** Seconds. */
  timeout: number;
}

const when = {
  type: 'object',
  additionalProperties: false,
  properties: {
    severity: { enum: [...SEVERITIES], description: 'This severity or above.' },
    tools: { type: 'array', items: { type: 'string', minLength: 1 } },
    kinds: { type: 'array', items: { enum: [...TOOL_KINDS] } },
    rules: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
};

export const actionsSchema = {
  type: 'array',
  description: 'Remediation hooks run when matching unsuppressed findings exist. Dry-run unless --apply.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'when'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
      when,
      command: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'argv array (no shell); the findings JSON is on stdin.' },
      webhook: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', pattern: '^https?://' },
          secret_env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'Environment variable holding the HMAC-SHA256 secret (X-Secgate-Signature: sha256=<hex>).' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      ansible: {
        type: 'object',
        additionalProperties: false,
        required: ['playbook'],
        properties: {
          playbook: { type: 'string', minLength: 1 },
          inventory: { type: 'string', minLength: 1 },
          args: { type: 'array', items: { type: 'string' } },
        },
      },
      timeout: { type: 'integer', minimum: 1, maximum: 3600, default: 60, description: 'Seconds.' },
    },
    oneOf: [{ required: ['command'] }, { required: ['webhook'] }, { required: ['ansible'] }],
  },
} as const;

export function actionsFromRaw(raw: unknown): ActionConfig[] {
  return ((raw ?? []) as Partial<ActionConfig>[]).map((a) => ({ ...a, name: a.name!, when: a.when ?? {}, timeout: a.timeout ?? 60 }));
}
