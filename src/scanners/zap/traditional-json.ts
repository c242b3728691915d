import { isObj, obj, optArr, optNum, optStr, ShapeError, type Obj } from '../shape.js';
import type { Adapter } from '../types.js';
import { addAlert, CONFIDENCE_WORDS, finish, RISK_WORDS, statusOf, zapBuilder, zapCode, type ZapAlert, type ZapInstance } from './alert.js';

/**
 * ZAP's traditional JSON report (`zap-*.py -J`, the `traditional-json` and
 * `traditional-json-plus` report templates), ZAP 2.7 → 2.17: `site` as an array or (older
 * versions, one site) a single object; numbers as strings; `alertRef`, `systemic`, instance
 * `id`/`nodeName` and `created` only in newer versions; `@programName` absent before 2.10;
 * `insights` (2.17) kept as a run property; `afPlanErrors` (-plus with the Automation
 * Framework state) mark the scan as failed. The -plus form's request/response headers and
 * bodies are not copied (they carry cookies and tokens); only the response status is kept.
 */
export const zapTraditionalJson: Adapter = {
  id: 'zap-json',
  title: 'ZAP traditional JSON report (-J, traditional-json[-plus])',
  kind: 'dast',
  input: 'json',
  detect(doc) {
    if (!isObj(doc) || !('site' in doc)) return false;
    const site = doc['site'];
    if (!(Array.isArray(site) || isObj(site))) return false;
    return '@version' in doc || '@generated' in doc || '@programName' in doc;
  },
  toRuns(doc, ctx) {
    const d = obj(doc, '$');
    const b = zapBuilder(ctx, zapTraditionalJson.id, optStr(d['@programName'], '$.@programName'), optStr(d['@version'], '$.@version'));
    const sites = Array.isArray(d['site']) ? d['site'] : isObj(d['site']) ? [d['site']] : optArr(d['site'], '$.site');
    const single = !Array.isArray(d['site']);
    const seen = new Map<string, number>();
    const names: string[] = [];
    sites.forEach((s, i) => {
      const sp = single ? '$.site' : `$.site[${i}]`;
      const site = obj(s, sp);
      const name = optStr(site['@name'], `${sp}.@name`);
      if (name) names.push(name);
      // Older single-alert reports may also hold `alerts` as one object.
      const alerts = isObj(site['alerts']) ? [site['alerts']] : optArr(site['alerts'], `${sp}.alerts`);
      alerts.forEach((a, j) => addAlert(b, readAlert(obj(a, `${sp}.alerts[${j}]`), `${sp}.alerts[${j}]`, name), seen));
    });
    // traditional-json-plus with the Automation Framework state: plan errors mean the scan did
    // not run as planned (a job failed, a context was missing), so its silence proves nothing.
    const planErrors = strings(d['afPlanErrors'], '$.afPlanErrors');
    if (planErrors.length) b.failed(`the ZAP Automation Framework plan reported ${planErrors.length} error(s): ${planErrors.join('; ')}`);
    return [
      finish(b, {
        afPlanWarnings: strings(d['afPlanWarns'], '$.afPlanWarns'),
        sites: names,
        generated: optStr(d['@generated'], '$.@generated'),
        created: optStr(d['created'], '$.created'),
        insights: readInsights(d['insights']),
      }),
    ];
  },
};

function readAlert(a: Obj, path: string, site: string | undefined): ZapAlert {
  const pluginId = optStr(a['pluginid'], `${path}.pluginid`);
  if (!pluginId) throw new ShapeError(`${path}.pluginid`, 'an alert without a plugin id');
  const name = optStr(a['name'], `${path}.name`) ?? optStr(a['alert'], `${path}.alert`) ?? pluginId;
  const risk = optNum(a['riskcode'], `${path}.riskcode`);
  const confidence = optNum(a['confidence'], `${path}.confidence`);
  const instances = (isObj(a['instances']) ? [a['instances']] : optArr(a['instances'], `${path}.instances`)).map((x, i) =>
    readInstance(obj(x, `${path}.instances[${i}]`), `${path}.instances[${i}]`),
  );
  return {
    pluginId,
    alertRef: optStr(a['alertRef'], `${path}.alertRef`),
    name,
    risk: zapCode(risk, RISK_WORDS),
    nativeRisk: optStr(a['riskdesc'], `${path}.riskdesc`) ?? optStr(a['riskcode'], `${path}.riskcode`),
    confidence: zapCode(confidence, CONFIDENCE_WORDS),
    description: optStr(a['desc'], `${path}.desc`),
    solution: optStr(a['solution'], `${path}.solution`),
    reference: optStr(a['reference'], `${path}.reference`),
    otherinfo: optStr(a['otherinfo'], `${path}.otherinfo`),
    html: true,
    cweid: optStr(a['cweid'], `${path}.cweid`),
    wascid: optStr(a['wascid'], `${path}.wascid`),
    systemic: bool(a['systemic']),
    tags: readTags(a['tags'], `${path}.tags`),
    site,
    instances,
  };
}

function readInstance(x: Obj, path: string): ZapInstance {
  return {
    uri: optStr(x['uri'], `${path}.uri`) ?? '',
    method: optStr(x['method'], `${path}.method`),
    param: optStr(x['param'], `${path}.param`),
    attack: optStr(x['attack'], `${path}.attack`),
    evidence: optStr(x['evidence'], `${path}.evidence`),
    otherinfo: optStr(x['otherinfo'], `${path}.otherinfo`),
    nodeName: optStr(x['nodeName'], `${path}.nodeName`),
    alertId: optStr(x['id'], `${path}.id`),
    responseStatus: statusOf(optStr(x['response-header'], `${path}.response-header`)),
  };
}

/** traditional-json-plus: `[{tag, link}]`. */
function readTags(x: unknown, path: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [i, t] of optArr(x, path).entries()) {
    const o = obj(t, `${path}[${i}]`);
    const k = optStr(o['tag'], `${path}[${i}].tag`);
    if (k) out[k] = optStr(o['link'], `${path}[${i}].link`) ?? '';
  }
  return Object.keys(out).length ? out : undefined;
}

/** 2.17 insights: facts about the scan (error rates, timeouts), not findings: kept as data on the run. */
function readInsights(x: unknown): Record<string, string>[] {
  if (!Array.isArray(x)) return [];
  return x.filter(isObj).map((i) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(i)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    return out;
  });
}

function strings(x: unknown, path: string): string[] {
  return optArr(x, path).map((v, i) => optStr(v, `${path}[${i}]`) ?? '').filter((v) => v.trim() !== '');
}

export function bool(x: unknown): boolean | undefined {
  if (typeof x === 'boolean') return x;
  if (x === 'true') return true;
  if (x === 'false') return false;
  return undefined;
}
