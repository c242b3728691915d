/** `export:` — where `secgate export` sends findings (flags override these). */
export interface ExportConfig {
  asff?: { aws_account_id?: string; region?: string; product_arn?: string };
  gcp_scc?: { source?: string; resource_name?: string };
}

export const exportSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Defaults for `secgate export` (AWS Security Hub ASFF, Google Cloud SCC).',
  properties: {
    asff: {
      type: 'object',
      additionalProperties: false,
      properties: {
        aws_account_id: { type: 'string', pattern: '^\\d{12}$', description: 'AwsAccountId of the findings (the account that imports them).' },
        region: { type: 'string', minLength: 1, description: 'AWS region of the Security Hub that imports them.' },
        product_arn: { type: 'string', pattern: '^arn:aws[a-z-]*:securityhub:', description: 'Default: arn:aws:securityhub:<region>:<account>:product/<account>/default.' },
      },
    },
    gcp_scc: {
      type: 'object',
      additionalProperties: false,
      properties: {
        source: { type: 'string', pattern: '^(organizations|projects|folders)/[^/]+/sources/[^/]+$', description: 'SCC source the findings are created under.' },
        resource_name: { type: 'string', pattern: '^//', description: 'Full resource name the findings are about.' },
      },
    },
  },
} as const;
