import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { complianceGroups, cwesOf } from '../../src/compliance/group.js';
import { cweTop25, owaspTop10 } from '../../src/compliance/data.js';
import { complianceReporter } from '../../src/compliance/reporter.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('mapping data', () => {
  it('OWASP Top 10 2021 has its ten categories and each CWE in at most one', () => {
    const o = owaspTop10();
    expect(o.map((c) => c.id)).toEqual(['A01:2021', 'A02:2021', 'A03:2021', 'A04:2021', 'A05:2021', 'A06:2021', 'A07:2021', 'A08:2021', 'A09:2021', 'A10:2021']);
    const all = o.flatMap((c) => c.cwes);
    expect(new Set(all).size).toBe(all.length);
    expect(o.find((c) => c.cwes.includes(79))!.id).toBe('A03:2021'); // XSS is Injection in 2021
    expect(o.find((c) => c.cwes.includes(918))!.id).toBe('A10:2021');
  });
  it('CWE Top 25 (2024) ranks 1–25, XSS first', () => {
    const t = cweTop25();
    expect(t.map((e) => e.rank)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(t[0]!.cwe).toBe(79);
  });
  it('reads CWE-n and external/cwe/cwe-n', () => {
    expect(cwesOf(['security', 'CWE-79', 'external/cwe/cwe-79', 'external/cwe/cwe-89', 'cwe-x'])).toEqual([79, 89]);
  });
});

describe('compliance view of a real check', () => {
  it('groups by OWASP, CWE Top 25 and Wazuh compliance tags, counting an issue once per group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-comp-'));
    const sarif = join(dir, 's.sarif');
    await runCli(['check', join(ROOT, 'fixtures/reports/semgrep.sarif'), join(ROOT, 'fixtures/reports/grype.json'), join(ROOT, 'fixtures/reports/trivy.json'), join(ROOT, 'fixtures/wazuh/alerts.json'), '--sarif', sarif]);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    const g = complianceGroups(log);
    const find = (fw: string, id: string) => g.find((x) => x.framework === fw && x.id === id);
    // Semgrep's tainted SQL string is CWE-89: Injection and Top 25 #3.
    expect(find('OWASP Top 10 2021', 'A03:2021')?.tools).toContain('Semgrep OSS');
    expect(find('CWE Top 25 2024', '#3 CWE-89')).toBeDefined();
    // Vulnerable packages are A06; the CVE seen by Grype and Trivy counts once.
    const a06 = find('OWASP Top 10 2021', 'A06:2021')!;
    const distinctVulns = new Set(log.runs.flatMap((r: { results?: { correlationGuid: string; properties: { vulnerabilityId?: string; packageName?: string }; suppressions?: unknown[] }[] }) => (r.results ?? []).filter((x) => x.properties.vulnerabilityId && x.properties.packageName && !x.suppressions?.length).map((x) => x.correlationGuid)));
    expect(a06.issues).toBe(distinctVulns.size);
    // Wazuh: /etc/passwd change and the rootcheck both carry PCI DSS controls.
    expect(find('PCI DSS', '11.5')?.issues).toBe(1);
    expect(find('HIPAA', '164.312.c.1')?.tools).toEqual(['wazuh']);
    const md = complianceReporter.render(log, { color: false });
    expect(md).toContain('### OWASP Top 10 2021');
    expect(md).toContain('### PCI DSS');
  });
});
