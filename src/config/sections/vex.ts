/** VEX documents (OpenVEX or CycloneDX), paths relative to the working directory. */
export const vexSchema = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description: 'OpenVEX or CycloneDX VEX documents: not_affected / false_positive / resolved / fixed statements suppress the matching vulnerabilities.',
} as const;
