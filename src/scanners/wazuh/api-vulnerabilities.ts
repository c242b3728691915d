import type { Run } from 'sarif';
import type { CvssScore } from '../../sarif/props.js';
import { firstSentence } from '../grype/json.js';
import { arr, isObj, obj, optArr, optNum, optStr, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { cweTagsOf, ident, newWazuhBuilder, packageUri, vulnerabilitySeverity } from './common.js';

/**
 * Wazuh ≤ 4.7 server API, `GET /vulnerability/{agent_id}`: `{ data: { affected_items: [ { cve,
 * name, version, architecture, severity, cvss2_score, cvss3_score, condition, status, … } ],
 * total_affected_items, failed_items }, error, message }`. The agent is in the request path, not
 * the answer: the run names none unless the items carry `agent_id` (some exports add it).
 */
export const wazuhApiVulnerabilities: Adapter = {
  id: 'wazuh-api',
  title: 'Wazuh 4.7 API vulnerabilities (GET /vulnerability/{agent_id})',
  kind: 'runtime',
  input: 'json',
  detect(doc) {
    if (!isObj(doc) || !isObj(doc['data'])) return false;
    const items = doc['data']['affected_items'];
    if (!Array.isArray(items)) return false;
    const first = items[0];
    // An empty answer is still this API's answer when it has the envelope's counters.
    if (first === undefined) return 'total_affected_items' in doc['data'];
    return isObj(first) && typeof first['cve'] === 'string' && 'name' in first;
  },
  toRuns(doc, ctx) {
    return [convert(obj(doc, '$'), ctx)];
  },
};

function convert(doc: Obj, ctx: AdapterContext): Run {
  const b = newWazuhBuilder(ctx, wazuhApiVulnerabilities.id);
  const data = obj(doc['data'], '$.data');
  const failed = optArr(data['failed_items'], '$.data.failed_items');
  const items = arr(data['affected_items'], '$.data.affected_items');
  items.forEach((x, i) => {
    const path = `$.data.affected_items[${i}]`;
    const it = obj(x, path);
    const cve = ident(it['cve'], `${path}.cve`);
    const name = ident(it['name'], `${path}.name`);
    const version = optStr(it['version'], `${path}.version`) ?? '';
    const arch = optStr(it['architecture'], `${path}.architecture`);
    const nativeSeverity = optStr(it['severity'], `${path}.severity`);
    const cvss3 = optNum(it['cvss3_score'], `${path}.cvss3_score`);
    const cvss2 = optNum(it['cvss2_score'], `${path}.cvss2_score`);
    const cvss: CvssScore[] = [
      ...(cvss3 ? [{ score: cvss3, version: '3', source: 'wazuh' }] : []),
      ...(cvss2 ? [{ score: cvss2, version: '2', source: 'wazuh' }] : []),
    ];
    const title = optStr(it['title'], `${path}.title`)?.trim() || undefined;
    const condition = optStr(it['condition'], `${path}.condition`);
    const status = optStr(it['status'], `${path}.status`);
    const refs = optArr(it['external_references'], `${path}.external_references`).filter((u): u is string => typeof u === 'string');
    const cwe = optStr(it['cwe_reference'], `${path}.cwe_reference`);
    const agentId = optStr(it['agent_id'], `${path}.agent_id`);
    const pkg = `${name}${version ? `@${version}` : ''}`;
    b.rule({
      id: cve,
      shortDescription: title ? firstSentence(title) : `${cve} in ${name}`,
      help: [title, condition, ...refs].filter(Boolean).join('\n\n'),
      helpUri: refs[0],
      tags: ['vulnerability', ...cweTagsOf(cwe)],
    });
    b.add({
      ruleId: cve,
      message: `${cve}: ${pkg}${arch ? ` (${arch})` : ''} is vulnerable${condition ? ` (${condition})` : ''}${agentId ? ` on agent ${agentId}` : ''}`,
      severity: vulnerabilitySeverity(nativeSeverity),
      nativeSeverity,
      score: cvss3 || cvss2 || undefined,
      location: { uri: packageUri(pkg), logicalName: agentId ? `agent ${agentId}` : pkg, logicalKind: agentId ? 'host' : 'package' },
      identity: [agentId, cve, name, version, arch],
      tags: ['vulnerability', ...cweTagsOf(cwe)],
      properties: {
        vulnerabilityId: cve,
        packageName: name,
        packageVersion: version,
        cvss,
        ...(cwe ? { cwe: [cwe] } : {}),
        ...(status ? { wazuhStatus: status } : {}),
        ...(agentId ? { agent: { id: agentId } } : {}),
      },
    });
  });
  if (failed.length) b.failed(`the Wazuh API reported ${failed.length} failed item(s): ${JSON.stringify(failed[0]).slice(0, 200)}`);
  return b.build();
}
