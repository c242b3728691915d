import type { Log, Run } from 'sarif';
import { KeyTable } from '../io/key-table.js';
import { ruleReader } from '../report/findings.js';
import { eachResult, isSuppressed, props, severityOf, toolName } from '../sarif/props.js';
import { maxSeverity, type Severity } from '../sarif/severity.js';
import { cweTop25, owaspTop10 } from './data.js';

export interface ComplianceGroup {
  framework: string;
  id: string;
  name: string;
  /** Distinct issues (correlation classes) in this group. */
  issues: number;
  worst: Severity;
  tools: string[];
}

/** CWE numbers of a result: its cwe property, CWE-n tags and GitHub's external/cwe/cwe-n tags (result and rule). */
export function cwesOf(tags: readonly string[], cwe: readonly string[] = []): number[] {
  const out = new Set<number>();
  for (const t of [...tags, ...cwe]) {
    const m = /^(?:external\/cwe\/)?cwe-(\d+)$/i.exec(t.trim());
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

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
  const groups = new Map<string, { g: ComplianceGroup; classes: Set<number>; tools: Set<string> }>();
  // Class keys interned off the heap: a group holds numbers, not a string per finding.
  const classKeys = new KeyTable();
  const add = (framework: string, id: string, name: string, cls: number, s: Severity, tool: string) => {
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
  let rulesOf: Run | undefined;
  let rules: ReturnType<typeof ruleReader> | undefined;
  for (const { run, result, runIndex, resultIndex } of eachResult(log)) {
    if (isSuppressed(result) || (result.kind && result.kind !== 'fail')) continue;
    const p = props(result);
    if (run !== rulesOf || !rules) (rulesOf = run), (rules = ruleReader(run));
    const rule = rules.byId(result.ruleId);
    const tags = [...(p.tags ?? []), ...((rule?.properties?.['tags'] as string[] | undefined) ?? [])];
    const cls = classKeys.add(result.correlationGuid ?? `${runIndex}:${resultIndex}`);
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
