/** A report produced by an earlier step, read as it is (by `secgate run`, and `secgate check` with no arguments). */
export interface ReportEntry {
  path: string;
  /** Force the format id instead of detecting it from the content. */
  format?: string;
}

export const reportsSchema = {
  type: 'array',
  description: 'Reports already produced by earlier steps: a path, or { path, format }.',
  items: {
    anyOf: [
      { type: 'string', minLength: 1 },
      {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1, description: 'Report file, relative to the working directory.' },
          format: { type: 'string', minLength: 1, description: 'Format id (grype, trivy, sarif, …); detected from the content when absent.' },
        },
      },
    ],
  },
} as const;

export function normaliseReports(raw: unknown): ReportEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((r) => (typeof r === 'string' ? { path: r } : (r as ReportEntry)));
}
