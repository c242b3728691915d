import type { Reporter } from './types.js';
import { consoleReporter } from './console.js';
import { sarifReporter } from './sarif.js';
import { markdownReporter } from './markdown.js';
import { junitReporter } from './junit.js';
import { codeQualityReporter } from './codequality.js';
import { htmlReporter } from './html.js';
import { complianceReporter } from '../compliance/reporter.js';

/** Every output format; the CLI's --format choices are derived from this list. */
export const reporters: readonly Reporter[] = [consoleReporter, markdownReporter, junitReporter, codeQualityReporter, htmlReporter, sarifReporter, complianceReporter];

export function reporterByFormat(format: string): Reporter | undefined {
  return reporters.find((r) => r.format === format);
}
