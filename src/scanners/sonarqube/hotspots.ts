import type { RunBuilder } from '../../sarif/builder.js';
import { obj, optStr, str, type Obj } from '../shape.js';
import { CWES_BY_CATEGORY, Components, PROJECT_FILE, cweTags, fromSecurityStandards, probabilitySeverity, regionOf, ruleHelpUri, sonarSuppression } from './common.js';
import { flowLocations } from './issues.js';

/**
 * `api/hotspots/search` hotspots → results. A hotspot is security-sensitive code to review, not
 * a confirmed vulnerability: its severity is the review priority SonarQube gives it
 * (vulnerabilityProbability HIGH/MEDIUM/LOW). Reviewed SAFE (and reviewed FIXED, which
 * SonarQube also counts as reviewed) become suppressed results; ACKNOWLEDGED stays open: the
 * risk was confirmed, not removed.
 */
export function addHotspots(b: RunBuilder, hotspots: unknown[], path: string, components: Components, rules: Map<string, Obj>, serverUrl?: string): void {
  hotspots.forEach((x, i) => {
    const p = `${path}[${i}]`;
    const h = obj(x, p);
    const key = optStr(h['key'], `${p}.key`);
    const component = str(h['component'], `${p}.component`);
    const project = optStr(h['project'], `${p}.project`);
    const file = components.pathOf(component, project);
    const category = optStr(h['securityCategory'], `${p}.securityCategory`);
    const probability = optStr(h['vulnerabilityProbability'], `${p}.vulnerabilityProbability`);
    const status = optStr(h['status'], `${p}.status`)?.toUpperCase();
    const resolution = optStr(h['resolution'], `${p}.resolution`)?.toUpperCase();
    // Older responses carry no rule key: the category is the closest thing to a rule.
    const ruleKey = optStr(h['ruleKey'], `${p}.ruleKey`)?.trim() || optStr(h['rule'], `${p}.rule`)?.trim() || `hotspot/${category || 'others'}`;
    const rule = rules.get(ruleKey);
    const standards = fromSecurityStandards(rule?.['securityStandards']);
    const cwe = [...new Set([...standards.cwe, ...(CWES_BY_CATEGORY[category ?? ''] ?? []).map((n) => `CWE-${n}`)])];
    const tags = ['security-hotspot', ...(category ? [`sonar-category:${category}`] : []), ...standards.tags, ...cweTags(cwe)];
    const message = optStr(h['message'], `${p}.message`) ?? `Security hotspot (${category ?? 'others'}) to review`;

    b.rule({
      id: ruleKey,
      name: rule ? optStr(rule['name'], '$.rules.name') : undefined,
      shortDescription: (rule && optStr(rule['name'], '$.rules.name')) ?? `Security hotspot: ${category ?? 'others'}`,
      help: `Security hotspot (${category ?? 'others'}): review this code in SonarQube and mark it Safe, Fixed or Acknowledged.`,
      helpUri: ruleKey.startsWith('hotspot/') ? undefined : ruleHelpUri(serverUrl, ruleKey),
      tags: ['security-hotspot', ...cweTags(cwe)],
    });
    const reviewed = status === 'REVIEWED' && (resolution === 'SAFE' || resolution === 'FIXED');
    b.add({
      ruleId: ruleKey,
      message,
      severity: probabilitySeverity(probability),
      nativeSeverity: probability,
      location: file ? { uri: file, ...regionOf(h, p) } : { uri: PROJECT_FILE, message: `project-level hotspot on ${component}` },
      relatedLocations: flowLocations(h, p, components, project, component),
      identity: [key ?? '', ruleKey, file ?? component],
      kind: 'sast',
      tags,
      properties: {
        ...(key ? { sonarKey: key } : {}),
        sonarType: 'SECURITY_HOTSPOT',
        ...(category ? { securityCategory: category } : {}),
        sonarStatus: resolution ? `${status}/${resolution}` : status,
        cwe,
      },
      suppressions: reviewed ? [sonarSuppression(`hotspot reviewed as ${resolution} in SonarQube`, { status: status!, resolution: resolution! })] : undefined,
    });
  });
}
