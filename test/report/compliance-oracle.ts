/**
 * TEST ORACLE: complianceGroups as it was before it walked a spooled log (a run's rules searched
 * with Array#find for every result, class keys held as strings). The new one must group the same.
 */
import type { Log } from 'sarif';
import { eachResult, isSuppressed, props, severityOf, toolName } from '../../src/sarif/props.js';
import { maxSeverity, type Severity } from '../../src/sarif/severity.js';
import { cweTop25, owaspTop10 } from '../../src/compliance/data.js';
import { cwesOf, type ComplianceGroup } from '../../src/compliance/group.js';

// Wazuh's compliance tags ("pci_dss:10.2.4") and the frameworks they name.
const FRAMEWORKS: Record<string, string> = { pci_dss: 'PCI DSS', gdpr: 'GDPR', hipaa: 'HIPAA', nist_800_53: 'NIST 800-53', tsc: 'TSC (SOC 2)', gpg13: 'GPG13', cis: 'CIS' };

/**
 * Unsuppressed findings grouped by OWASP Top 10 (2021) category and CWE Top 25 (2024) entry,
 * from their CWE tags, and by the compliance controls Wazuh tags alerts with. One issue seen
 * by several tools counts once per group.
 */
export function complianceGroups(log: Log): ComplianceGroup[] {
  const owasp = owaspTop10();
  const top25 = cweTop25();
  const cweToOwasp = new Map<number, (typeof owasp)[number]>();
  for (const c of owasp) for (const n of c.cwes) cweToOwasp.set(n, c);
  const groups = new Map<string, { g: ComplianceGroup; classes: Set<string>; tools: Set<string> }>();
  const add = (framework: string, id: string, name: string, cls: string, s: Severity, tool: string) => {
    const key = `${framework}|${id}`;
    let e = groups.get(key);
    if (!e) {
      e = { g: { framework, id, name, issues: 0, worst: s, tools: [] }, classes: new Set(), tools: new Set() };
      groups.set(key, e);
    }
    e.classes.add(cls);
    e.tools.add(tool);
    e.g.worst = maxSeverity(e.g.worst, s);
  };
  for (const { run, result, runIndex, resultIndex } of eachResult(log)) {
    if (isSuppressed(result) || (result.kind && result.kind !== 'fail')) continue;
    const p = props(result);
    const rule = run.tool.driver.rules?.find((r) => r.id === result.ruleId);
    const tags = [...(p.tags ?? []), ...((rule?.properties?.['tags'] as string[] | undefined) ?? [])];
    const cls = result.correlationGuid ?? `${runIndex}:${resultIndex}`;
    const s = severityOf(result);
    const tool = toolName(run);
    for (const n of cwesOf(tags, p.cwe ?? [])) {
      const o = cweToOwasp.get(n);
      if (o) add('OWASP Top 10 2021', o.id, o.name, cls, s, tool);
      const t = top25.find((e) => e.cwe === n);
      if (t) add('CWE Top 25 2024', `#${t.rank} CWE-${t.cwe}`, t.name, cls, s, tool);
    }
    // Vulnerable dependencies are A06 whatever their CWE says.
    if (p.vulnerabilityId && p.packageName) {
      const a06 = owasp.find((c) => c.id.startsWith('A06'));
      if (a06) add('OWASP Top 10 2021', a06.id, a06.name, cls, s, tool);
    }
    for (const t of tags) {
      const m = /^([a-z0-9_]+):(.+)$/.exec(t);
      if (m && FRAMEWORKS[m[1]!]) add(FRAMEWORKS[m[1]!]!, m[2]!, '', cls, s, tool);
    }
  }
  return [...groups.values()]
    .map(({ g, classes, tools }) => ({ ...g, issues: classes.size, tools: [...tools].sort() }))
    .sort((a, b) => a.framework.localeCompare(b.framework) || a.id.localeCompare(b.id, 'en', { numeric: true }));
}
