import type { Reporter } from '../report/types.js';
import { forMarkdownCode } from '../text/escape.js';
import { complianceGroups } from './group.js';

/** `secgate report --format compliance`: findings by OWASP Top 10, CWE Top 25 and the compliance tags Wazuh provides. */
export const complianceReporter: Reporter = {
  format: 'compliance',
  description: 'Markdown: findings grouped by OWASP Top 10 (2021), CWE Top 25 (2024) and PCI DSS / GDPR / HIPAA / NIST / TSC controls',
  extension: 'md',
  render(log, opts) {
    const groups = complianceGroups(log);
    const out = [`## ${opts.title ?? 'Compliance view'}`, ''];
    if (!groups.length) return `${out.join('\n')}No open finding maps to OWASP Top 10, CWE Top 25 or a compliance control.\n`;
    let framework = '';
    for (const g of groups) {
      if (g.framework !== framework) {
        framework = g.framework;
        out.push('', `### ${framework}`, '', '| control | issues | worst | tools |', '| --- | ---: | --- | --- |');
      }
      const label = g.name ? `${g.id} ${g.name}` : g.id;
      out.push(`| ${forMarkdownCode(label, { table: true })} | ${g.issues} | ${g.worst} | ${g.tools.map((t) => forMarkdownCode(t, { table: true })).join(', ')} |`);
    }
    return `${out.join('\n')}\n`;
  },
};
