import { ScannerError } from '../../errors.js';
import { isObj, obj, optArr, optStr, ShapeError, type Obj } from '../shape.js';
import type { Adapter } from '../types.js';
import { addAlert, codeOfWord, CONFIDENCE_WORDS, finish, RISK_WORDS, zapBuilder, type ZapAlert } from './alert.js';

/**
 * The ZAP API's alert list saved to a file: `GET /JSON/alert/view/alerts/` (and the older
 * `/JSON/core/view/alerts/`), `{"alerts":[…]}`. Each entry is one alert instance (ZAP's
 * AlertAPI.alertToSet): `pluginId`, `alertRef` (2.10+), `name`, `risk` and `confidence` as
 * words ("High", "False Positive"), `url`, `method`, `param`, `attack`, `evidence`, `other`,
 * `inputVector`, `cweid`/`wascid` as strings, `tags` as an object (2.11+). Texts are ZAP's
 * plain text, not HTML.
 */
export const zapApiAlerts: Adapter = {
  id: 'zap-api',
  title: 'ZAP API alerts (/JSON/alert/view/alerts/)',
  kind: 'dast',
  input: 'json',
  detect(doc) {
    if (isApiError(doc)) return true;
    if (!isObj(doc) || !Array.isArray(doc['alerts'])) return false;
    const list = doc['alerts'];
    // An empty list is only ours when nothing else is in the document.
    if (list.length === 0) return Object.keys(doc).length === 1;
    const first = list[0];
    return isObj(first) && 'pluginId' in first && 'risk' in first && 'url' in first;
  },
  toRuns(doc, ctx) {
    if (isApiError(doc)) throw apiFailure(doc, ctx.file);
    const d = obj(doc, '$');
    const b = zapBuilder(ctx, zapApiAlerts.id, undefined, undefined);
    const seen = new Map<string, number>();
    optArr(d['alerts'], '$.alerts').forEach((x, i) => addAlert(b, readAlert(obj(x, `$.alerts[${i}]`), `$.alerts[${i}]`), seen));
    return [finish(b, {})];
  },
};

function readAlert(a: Obj, path: string): ZapAlert {
  const pluginId = optStr(a['pluginId'], `${path}.pluginId`);
  if (!pluginId) throw new ShapeError(`${path}.pluginId`, 'an alert without a plugin id');
  const riskWord = optStr(a['risk'], `${path}.risk`);
  const confWord = optStr(a['confidence'], `${path}.confidence`);
  const url = optStr(a['url'], `${path}.url`) ?? '';
  return {
    pluginId,
    alertRef: optStr(a['alertRef'], `${path}.alertRef`),
    name: optStr(a['name'], `${path}.name`) ?? optStr(a['alert'], `${path}.alert`) ?? pluginId,
    risk: codeOfWord(riskWord, RISK_WORDS),
    nativeRisk: riskWord,
    confidence: codeOfWord(confWord, CONFIDENCE_WORDS),
    description: optStr(a['description'], `${path}.description`),
    solution: optStr(a['solution'], `${path}.solution`),
    reference: optStr(a['reference'], `${path}.reference`),
    html: false,
    cweid: optStr(a['cweid'], `${path}.cweid`),
    wascid: optStr(a['wascid'], `${path}.wascid`),
    tags: readTags(a['tags'], `${path}.tags`),
    instances: [
      {
        uri: url,
        method: optStr(a['method'], `${path}.method`),
        param: optStr(a['param'], `${path}.param`),
        attack: optStr(a['attack'], `${path}.attack`),
        evidence: optStr(a['evidence'], `${path}.evidence`),
        otherinfo: optStr(a['other'], `${path}.other`),
        inputVector: optStr(a['inputVector'], `${path}.inputVector`),
        alertId: optStr(a['id'], `${path}.id`),
        messageId: optStr(a['messageId'], `${path}.messageId`),
      },
    ],
  };
}

function readTags(x: unknown, path: string): Record<string, string> | undefined {
  if (x === undefined || x === null) return undefined;
  const o = obj(x, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = optStr(v, `${path}.${k}`) ?? '';
  return Object.keys(out).length ? out : undefined;
}

/**
 * What the ZAP API saves instead of alerts when the call failed (ApiException.toJSON):
 * `{"code":"bad_api_key","message":"…","detail"?:"…"}`. A gate reading it must not pass.
 */
function isApiError(doc: unknown): doc is { code: string; message: string; detail?: string } {
  return (
    isObj(doc) &&
    typeof doc['code'] === 'string' &&
    /^[a-z_]{3,40}$/.test(doc['code']) &&
    typeof doc['message'] === 'string' &&
    Object.keys(doc).every((k) => k === 'code' || k === 'message' || k === 'detail')
  );
}

function apiFailure(e: { code: string; message: string; detail?: unknown }, file: string): ScannerError {
  // The detail can echo the request: never let an API key through.
  const detail = typeof e.detail === 'string' ? e.detail.replace(/(api_?key=)[^&\s]*/gi, '$1***').replace(/\s+/g, ' ').slice(0, 200) : '';
  return new ScannerError(
    'ZAP',
    `${file} holds an error the ZAP API answered instead of alerts: ${e.message.replace(/\s+/g, ' ').slice(0, 200)} (${e.code})${detail ? `: ${detail}` : ''}`,
    e.code === 'bad_api_key' || e.code === 'missing_parameter'
      ? 'check the API key the step passes to ZAP (apikey / X-ZAP-API-Key) and fetch /JSON/alert/view/alerts/ again'
      : 'check that ZAP finished its scan and that the step fetching /JSON/alert/view/alerts/ succeeded',
  );
}
