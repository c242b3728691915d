import type { Run } from 'sarif';
import type { CvssScore } from '../../sarif/props.js';
import { firstSentence } from '../grype/json.js';
import { packageKey } from '../package-id.js';
import { arr, isObj, obj, optNum, optStr, str, type Obj } from '../shape.js';
import type { Adapter, AdapterContext } from '../types.js';
import { addWarning, agentLabel, agentOf, cweTagsOf, ident, packageUri, newWazuhBuilder, strings, vulnerabilitySeverity } from './common.js';

/**
 * Wazuh ≥ 4.8 vulnerability states: an indexer (OpenSearch) search response over
 * `wazuh-states-vulnerabilities-*`, `{ hits: { hits: [ { _index, _id, _source: { agent, host,
 * package, vulnerability, wazuh } } ] } }` (Wazuh Common Schema). One result per document.
 * Package URLs use the host's OS platform as namespace (pkg:deb/ubuntu/…), as Syft/Grype and
 * Trivy do, so the same CVE in the same package meets their findings in correlation.
 */
export const wazuhIndexerStates: Adapter = {
  id: 'wazuh-indexer',
  title: 'Wazuh 4.8+ indexer wazuh-states-vulnerabilities search response',
  kind: 'runtime',
  input: 'json',
  detect(doc) {
    if (!isObj(doc) || !isObj(doc['hits']) || !Array.isArray(doc['hits']['hits'])) return false;
    const first = doc['hits']['hits'][0];
    if (first === undefined) return false; // an empty search says nothing about which index it searched
    if (!isObj(first)) return false;
    const index = first['_index'];
    const src = first['_source'];
    return (typeof index === 'string' && index.startsWith('wazuh-states-vulnerabilities')) || (isObj(src) && isObj(src['vulnerability']) && isObj(src['package']));
  },
  toRuns(doc, ctx) {
    return [convert(obj(doc, '$'), ctx)];
  },
};

function convert(doc: Obj, ctx: AdapterContext): Run {
  const b = newWazuhBuilder(ctx, wazuhIndexerStates.id);
  const hits = arr(obj(doc['hits'], '$.hits')['hits'], '$.hits.hits');
  const shards = isObj(doc['_shards']) ? doc['_shards'] : undefined;
  const total = isObj(doc['hits']) && isObj(doc['hits']['total']) ? optNum(doc['hits']['total']['value'], '$.hits.total.value') : undefined;
  if (total !== undefined) b.setProperty('indexerTotalHits', total);
  const truncated = total !== undefined && total > hits.length ? `the search matched ${total} documents but the response holds ${hits.length}: page with search_after or raise size` : undefined;
  if (truncated) b.setProperty('truncated', truncated);
  hits.forEach((h, i) => addHit(b, obj(h, `$.hits.hits[${i}]`), `$.hits.hits[${i}]`));
  const failedShards = shards ? optNum(shards['failed'], '$._shards.failed') : undefined;
  if (doc['timed_out'] === true || (failedShards ?? 0) > 0) {
    // A partial search answer would under-report: the gate must not pass on it.
    b.failed(doc['timed_out'] === true ? 'the indexer search timed out: the answer is partial' : `${failedShards} indexer shard(s) failed: the answer is partial`);
  }
  const run = b.build();
  return truncated ? addWarning(run, truncated) : run;
}

function addHit(b: ReturnType<typeof newWazuhBuilder>, h: Obj, path: string): void {
  const src = obj(h['_source'], `${path}._source`);
  const sp = `${path}._source`;
  const agent = agentOf(src['agent'], `${sp}.agent`);
  const host = isObj(src['host']) ? src['host'] : {};
  const os = isObj(host['os']) ? host['os'] : {};
  const platform = optStr(os['platform'], `${sp}.host.os.platform`);
  const p = obj(src['package'], `${sp}.package`);
  const v = obj(src['vulnerability'], `${sp}.vulnerability`);
  const id = ident(v['id'], `${sp}.vulnerability.id`);
  const name = ident(p['name'], `${sp}.package.name`);
  const version = optStr(p['version'], `${sp}.package.version`) ?? '';
  const type = optStr(p['type'], `${sp}.package.type`);
  const arch = optStr(p['architecture'], `${sp}.package.architecture`);
  const pkgPath = optStr(p['path'], `${sp}.package.path`);
  const nativeSeverity = optStr(v['severity'], `${sp}.vulnerability.severity`);
  const score = isObj(v['score']) ? optNum(v['score']['base'], `${sp}.vulnerability.score.base`) : undefined;
  const scoreVersion = isObj(v['score']) ? optStr(v['score']['version'], `${sp}.vulnerability.score.version`) : undefined;
  const cvss: CvssScore[] = score !== undefined ? [{ score, ...(scoreVersion ? { version: scoreVersion } : {}), source: 'wazuh' }] : [];
  const description = optStr(v['description'], `${sp}.vulnerability.description`)?.trim() || undefined;
  const refs = strings(v['reference'], `${sp}.vulnerability.reference`);
  const scanner = isObj(v['scanner']) ? v['scanner'] : {};
  const cti = optStr(scanner['reference'], `${sp}.vulnerability.scanner.reference`);
  const condition = optStr(scanner['condition'], `${sp}.vulnerability.scanner.condition`);
  const cwe = strings(v['classification'], `${sp}.vulnerability.classification`).filter((c) => /^CWE-\d+$/i.test(c));
  const underEvaluation = v['under_evaluation'] === true;
  const pkg = `${name}${version ? `@${version}` : ''}`;
  const namespace = type === 'deb' || type === 'rpm' || type === 'apk' ? platform : undefined;

  b.rule({
    id,
    shortDescription: description ? firstSentence(description) : `${id} in ${name}`,
    fullDescription: description,
    help: [description, condition, cti, ...refs].filter(Boolean).join('\n\n'),
    helpUri: cti ?? refs[0],
    tags: ['vulnerability', ...cwe.flatMap(cweTagsOf)],
  });
  b.add({
    ruleId: id,
    message: `${id}: ${pkg}${type ? ` (${type})` : ''} on ${agentLabel(agent)} is vulnerable${condition ? ` (${condition})` : ''}`,
    severity: vulnerabilitySeverity(nativeSeverity),
    nativeSeverity,
    score,
    location: { uri: pkgPath ?? packageUri(pkg), message: pkgPath ? pkg : undefined, logicalName: agentLabel(agent), logicalKind: 'host' },
    identity: [agent.id ?? agent.name, id, type, name, version, arch],
    tags: ['vulnerability', ...cwe.flatMap(cweTagsOf)],
    properties: {
      vulnerabilityId: id,
      purl: packageKey(type, name, version, namespace),
      packageName: name,
      packageVersion: version,
      ecosystem: type,
      cvss,
      ...(cwe.length ? { cwe } : {}),
      agent: { ...(agent.id ? { id: agent.id } : {}), ...(agent.name ? { name: agent.name } : {}) },
      ...(optStr(os['full'], `${sp}.host.os.full`) ? { os: optStr(os['full'], `${sp}.host.os.full`) } : {}),
      ...(underEvaluation ? { underEvaluation } : {}),
    },
  });
}
