import type { Run, Suppression } from 'sarif';
import type { CvssScore } from '../../sarif/props.js';
import type { RunBuilder } from '../../sarif/builder.js';
import type { Severity } from '../../sarif/severity.js';
import { isObj, obj, optArr, optNum, optStr, ShapeError, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { firstSentence } from '../grype/json.js';
import { addWarning, agentLabel, agentOf, complianceOf, complianceTags, cweTagsOf, ident, newWazuhBuilder, packageUri, severityFromLevel, strings, vulnerabilitySeverity, type Agent } from './common.js';
import { firstLineDoc, forEachLine } from './lines.js';

/**
 * Wazuh manager `alerts.json` (/var/ossec/logs/alerts/alerts.json): one alert per line.
 * File integrity (syscheck), rootcheck, SCA and vulnerability-detector alerts get a location
 * a reader can act on; any other alert is kept with its log location. Severity is the
 * vulnerability's own where Wazuh gives one, else rule.level (see common.ts for the bands).
 * Rule groups, MITRE ATT&CK ids and compliance controls are kept as tags and properties.
 */
export const wazuhAlerts: Adapter = {
  id: 'wazuh-alerts',
  title: 'Wazuh alerts.json (one alert per line)',
  kind: 'runtime',
  input: 'text',
  detect(text) {
    return looksLikeAlert(firstLineDoc(text));
  },
  toRuns(text, ctx) {
    if (typeof text !== 'string') throw new ShapeError('$', 'expected the text of alerts.json');
    return [convert(text, ctx)];
  },
};

function looksLikeAlert(d: unknown): boolean {
  return isObj(d) && isObj(d['rule']) && 'level' in d['rule'] && (isObj(d['agent']) || isObj(d['manager']) || isObj(d['decoder']));
}

/** A file holding a single alert parses as JSON: the same adapter, reached through JSON detection. */
export const wazuhAlert: Adapter = {
  id: 'wazuh-alert',
  title: 'Wazuh alert (a single alerts.json line)',
  kind: 'runtime',
  input: 'json',
  detect(doc) {
    // The parsed document itself: stringifying it for the text check serialised every JSON
    // report (63 MB for a 200k-result SARIF log) just to answer "no".
    return looksLikeAlert(doc);
  },
  toRuns(doc, ctx) {
    return [convert(JSON.stringify(obj(doc, '$')), ctx)];
  },
};

function convert(text: string, ctx: AdapterContext): Run {
  const b = newWazuhBuilder(ctx, wazuhAlerts.id);
  let ignored = 0;
  let alerts = 0;
  const skipped = forEachLine(text, ctx.skipMalformedLines === true, (line, doc) => {
    alerts++;
    if (!addAlert(b, obj(doc, `line ${line}`), `line ${line}`)) ignored++;
  });
  b.setProperty('alerts', alerts);
  if (ignored) b.setProperty('alertsNotFindings', ignored);
  if (skipped.length) b.setProperty('malformedLinesSkipped', skipped.length);
  const run = b.build();
  return skipped.length
    ? addWarning(run, `${skipped.length} malformed line(s) skipped (skip_malformed_lines): line${skipped.length === 1 ? '' : 's'} ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ', …' : ''}`)
    : run;
}

interface RuleFacts {
  id: string;
  level: number | undefined;
  description: string | undefined;
  groups: string[];
  mitre: string[];
  compliance: Record<string, string[]>;
}

function ruleOf(x: unknown, path: string): RuleFacts {
  const r = obj(x, path);
  const mitre = isObj(r['mitre']) ? strings(r['mitre']['id'], `${path}.mitre.id`) : [];
  return {
    id: optStr(r['id'], `${path}.id`)?.trim() || 'unknown',
    level: optNum(r['level'], `${path}.level`),
    description: optStr(r['description'], `${path}.description`)?.trim() || undefined,
    groups: strings(r['groups'], `${path}.groups`),
    mitre,
    compliance: complianceOf(r, path),
  };
}

/** Tags every alert-derived result carries: groups, ATT&CK techniques, compliance controls. */
function ruleTags(r: RuleFacts): string[] {
  return [...r.groups.map((g) => `wazuh:${g}`), ...r.mitre.map((m) => `mitre-attack:${m}`), ...complianceTags(r.compliance)];
}

/** Returns false for alerts that are not findings (a passed SCA check). */
function addAlert(b: RunBuilder, a: Obj, path: string): boolean {
  const rule = ruleOf(a['rule'], `${path}.rule`);
  const agent = agentOf(a['agent'], `${path}.agent`);
  const data = isObj(a['data']) ? a['data'] : {};
  const timestamp = optStr(a['timestamp'], `${path}.timestamp`);
  const alertId = optStr(a['id'], `${path}.id`);
  const location = optStr(a['location'], `${path}.location`);
  const fullLog = optStr(a['full_log'], `${path}.full_log`);
  const wazuh = {
    rule: rule.id,
    level: rule.level,
    groups: rule.groups,
    ...(rule.mitre.length ? { mitre: rule.mitre } : {}),
    ...(Object.keys(rule.compliance).length ? { compliance: rule.compliance } : {}),
    ...(alertId ? { alertId } : {}),
  };
  const common = {
    agent: { ...(agent.id ? { id: agent.id } : {}), ...(agent.name ? { name: agent.name } : {}) },
    ...(timestamp ? { eventTime: timestamp } : {}),
    wazuh,
  };
  const levelSeverity = severityFromLevel(rule.level);

  if (isObj(data['vulnerability'])) return addVulnerability(b, data['vulnerability'], `${path}.data.vulnerability`, rule, agent, common, levelSeverity);

  if (isObj(data['sca']) && isObj(data['sca']['check'])) {
    const sca = data['sca'];
    const sp = `${path}.data.sca`;
    const check = obj(sca['check'], `${sp}.check`);
    const result = optStr(check['result'], `${sp}.check.result`);
    if (result !== undefined && result !== 'failed') return false;
    const policyId = optStr(sca['policy_id'], `${sp}.policy_id`) ?? optStr(sca['policy'], `${sp}.policy`) ?? 'sca';
    const checkId = ident(check['id'], `${sp}.check.id`);
    const title = optStr(check['title'], `${sp}.check.title`)?.trim() || `SCA check ${checkId}`;
    const compliance = isObj(check['compliance']) ? complianceOf(check['compliance'], `${sp}.check.compliance`, Object.keys(check['compliance'])) : {};
    const file = strings(check['file'], `${sp}.check.file`)[0] ?? strings(check['directory'], `${sp}.check.directory`)[0];
    const ruleId = `sca/${policyId}/${checkId}`;
    b.rule({
      id: ruleId,
      shortDescription: title,
      fullDescription: optStr(check['description'], `${sp}.check.description`),
      help: [optStr(check['rationale'], `${sp}.check.rationale`), optStr(check['remediation'], `${sp}.check.remediation`)].filter(Boolean).join('\n\n') || undefined,
      tags: ['sca', 'configuration'],
      properties: { policy: optStr(sca['policy'], `${sp}.policy`) },
    });
    b.add({
      ruleId,
      message: `${title} — failed on ${agentLabel(agent)}${file ? ` (${file})` : ''}`,
      severity: levelSeverity,
      nativeSeverity: rule.level !== undefined ? `level ${rule.level}` : undefined,
      location: { uri: file ?? `wazuh/sca/${policyId}`, logicalName: agentLabel(agent), logicalKind: 'host' },
      identity: [agent.id ?? agent.name, policyId, checkId],
      tags: [...ruleTags(rule), ...complianceTags(compliance)],
      properties: { ...common, ...(Object.keys(compliance).length ? { compliance } : {}) },
    });
    return true;
  }

  const syscheck = isObj(a['syscheck']) ? a['syscheck'] : undefined;
  if (syscheck) {
    const sp = `${path}.syscheck`;
    const file = ident(syscheck['path'], `${sp}.path`);
    const event = optStr(syscheck['event'], `${sp}.event`);
    const after = optStr(syscheck['sha256_after'], `${sp}.sha256_after`) ?? optStr(syscheck['sha1_after'], `${sp}.sha1_after`) ?? optStr(syscheck['md5_after'], `${sp}.md5_after`);
    declareRule(b, rule);
    b.add({
      ruleId: rule.id,
      message: `${rule.description ?? 'File integrity event'}: ${file}${event ? ` (${event})` : ''} on ${agentLabel(agent)}`,
      severity: levelSeverity,
      nativeSeverity: rule.level !== undefined ? `level ${rule.level}` : undefined,
      location: { uri: file, logicalName: agentLabel(agent), logicalKind: 'host' },
      // The content after the change is part of the identity: a later change of the same file is a new finding.
      identity: [agent.id ?? agent.name, rule.id, file, event, after],
      tags: ruleTags(rule),
      properties: { ...common, syscheck: { path: file, ...(event ? { event } : {}), ...(after ? { hashAfter: after } : {}) } },
    });
    return true;
  }

  if (rule.groups.includes('rootcheck') || location === 'rootcheck') {
    const title = optStr(data['title'], `${path}.data.title`)?.trim() || rule.description || 'rootcheck event';
    const file = optStr(data['file'], `${path}.data.file`) ?? (fullLog ? /'([^']+)'/.exec(fullLog)?.[1] : undefined);
    declareRule(b, rule);
    b.add({
      ruleId: rule.id,
      message: `${title}${file ? ` ${file}` : ''} on ${agentLabel(agent)}`,
      severity: levelSeverity,
      nativeSeverity: rule.level !== undefined ? `level ${rule.level}` : undefined,
      location: { uri: file ?? 'wazuh/rootcheck', logicalName: agentLabel(agent), logicalKind: 'host' },
      identity: [agent.id ?? agent.name, rule.id, title, file],
      tags: ruleTags(rule),
      properties: { ...common, ...(fullLog ? { fullLog } : {}) },
    });
    return true;
  }

  declareRule(b, rule);
  b.add({
    ruleId: rule.id,
    message: `${rule.description ?? `Wazuh rule ${rule.id}`} on ${agentLabel(agent)}${fullLog ? `: ${fullLog}` : ''}`,
    severity: levelSeverity,
    nativeSeverity: rule.level !== undefined ? `level ${rule.level}` : undefined,
    location: { uri: location ?? 'wazuh/alerts', logicalName: agentLabel(agent), logicalKind: 'host' },
    // A generic alert is an event: its own id (or time and log line) makes it distinct.
    identity: [agent.id ?? agent.name, rule.id, alertId ?? `${timestamp ?? ''}|${fullLog ?? ''}`],
    tags: ruleTags(rule),
    properties: { ...common, ...(fullLog ? { fullLog } : {}) },
  });
  return true;
}

function declareRule(b: RunBuilder, rule: RuleFacts): void {
  b.rule({
    id: rule.id,
    shortDescription: rule.description ?? `Wazuh rule ${rule.id}`,
    helpUri: `https://documentation.wazuh.com/current/user-manual/ruleset/index.html`,
    tags: rule.groups.map((g) => `wazuh:${g}`),
    properties: { level: rule.level },
  });
}

function addVulnerability(b: RunBuilder, v: Obj, vp: string, rule: RuleFacts, agent: Agent, common: Record<string, unknown>, levelSeverity: Severity | undefined): boolean {
  const cve = ident(v['cve'] ?? v['id'], `${vp}.cve`);
  const p = isObj(v['package']) ? v['package'] : {};
  const name = ident(p['name'], `${vp}.package.name`);
  const version = optStr(p['version'], `${vp}.package.version`) ?? '';
  const arch = optStr(p['architecture'], `${vp}.package.architecture`);
  const condition = optStr(p['condition'], `${vp}.package.condition`);
  const nativeSeverity = optStr(v['severity'], `${vp}.severity`);
  const cvssObj = isObj(v['cvss']) ? v['cvss'] : {};
  const c3 = isObj(cvssObj['cvss3']) ? optNum(cvssObj['cvss3']['base_score'], `${vp}.cvss.cvss3.base_score`) : undefined;
  const c2 = isObj(cvssObj['cvss2']) ? optNum(cvssObj['cvss2']['base_score'], `${vp}.cvss.cvss2.base_score`) : undefined;
  // 4.8+ alerts carry score.base like the indexer documents.
  const sb = isObj(v['score']) ? optNum(v['score']['base'], `${vp}.score.base`) : undefined;
  const cvss: CvssScore[] = [
    ...(c3 !== undefined ? [{ score: c3, version: '3', source: 'wazuh' }] : []),
    ...(c2 !== undefined ? [{ score: c2, version: '2', source: 'wazuh' }] : []),
    ...(sb !== undefined && c3 === undefined ? [{ score: sb, source: 'wazuh' }] : []),
  ];
  const title = optStr(v['title'], `${vp}.title`)?.trim() || undefined;
  const rationale = optStr(v['rationale'], `${vp}.rationale`) ?? optStr(v['description'], `${vp}.description`);
  const refs = [...strings(v['references'], `${vp}.references`), ...strings(v['reference'], `${vp}.reference`)];
  const cwe = optStr(v['cwe_reference'], `${vp}.cwe_reference`);
  const status = optStr(v['status'], `${vp}.status`);
  const pkg = `${name}${version ? `@${version}` : ''}`;
  b.rule({
    id: cve,
    shortDescription: title ? firstSentence(title) : `${cve} in ${name}`,
    fullDescription: rationale,
    help: [rationale, condition, ...refs].filter(Boolean).join('\n\n') || undefined,
    helpUri: refs[0],
    tags: ['vulnerability', ...cweTagsOf(cwe)],
  });
  // vulnerability-detector also reports when a vulnerability goes away ("Solved"): kept, as suppressed, for the audit trail.
  const solved = status !== undefined && /^solved$/i.test(status);
  const suppression: Suppression | undefined = solved ? { kind: 'external', status: 'accepted', justification: 'Wazuh reports this vulnerability solved on the agent' } : undefined;
  b.add({
    ruleId: cve,
    message: `${cve}: ${pkg} on ${agentLabel(agent)} is vulnerable${condition ? ` (${condition})` : ''}`,
    severity: vulnerabilitySeverity(nativeSeverity) ?? levelSeverity,
    nativeSeverity,
    score: c3 ?? sb ?? c2,
    location: { uri: packageUri(pkg), logicalName: agentLabel(agent), logicalKind: 'host' },
    identity: [agent.id ?? agent.name, cve, name, version, arch],
    tags: ['vulnerability', ...cweTagsOf(cwe), ...ruleTags(rule)],
    properties: {
      ...common,
      vulnerabilityId: cve,
      packageName: name,
      packageVersion: version,
      cvss,
      ...(cwe ? { cwe: [cwe] } : {}),
      ...(status ? { wazuhStatus: status } : {}),
    },
    suppressions: suppression ? [suppression] : undefined,
  });
  return true;
}
