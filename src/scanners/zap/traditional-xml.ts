import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isObj, obj, optArr, optNum, optStr, ShapeError, str, type Obj } from '../shape.js';
import type { Adapter } from '../types.js';
import { addAlert, CONFIDENCE_WORDS, finish, RISK_WORDS, statusOf, zapBuilder, zapCode, type ZapAlert, type ZapInstance } from './alert.js';
import { bool } from './traditional-json.js';

/**
 * ZAP's traditional XML report (`zap-*.py -x`, the `traditional-xml` and `traditional-xml-plus`
 * templates), ZAP 2.7 → 2.17. In `traditional-xml` the descriptions are HTML escaped into the
 * XML; `-plus` carries them as plain text, with each instance's request and response (not
 * copied: they hold cookies and tokens; only the response status is kept) and alert `<tags>`.
 * `generated` is written in the ZAP host's locale ("Di., 22 Okt. 2025 17:09:39") and is kept as
 * an opaque string, never parsed.
 */
export const zapTraditionalXml: Adapter = {
  id: 'zap-xml',
  title: 'ZAP traditional XML report (-x, traditional-xml[-plus])',
  kind: 'dast',
  input: 'text',
  detect(doc) {
    return typeof doc === 'string' && /^(\ufeff)?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<OWASPZAPReport[\s>/]/.test(doc.slice(0, 4096));
  },
  toRuns(doc, ctx) {
    const text = str(doc, '$');
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new ShapeError(`line ${valid.err.line}, column ${valid.err.col}`, `not well-formed XML: ${valid.err.msg}`);
    let parsed: unknown;
    try {
      parsed = parser.parse(text);
    } catch (e) {
      // The validator and the parser disagree on a few malformed inputs (an unclosed <?pi): still a damaged report.
      throw new ShapeError('OWASPZAPReport', `not well-formed XML: ${(e as Error).message}`);
    }
    const report = obj(isObj(parsed) ? parsed['OWASPZAPReport'] : undefined, 'OWASPZAPReport');
    const b = zapBuilder(ctx, zapTraditionalXml.id, optStr(report['@programName'], 'OWASPZAPReport@programName'), optStr(report['@version'], 'OWASPZAPReport@version'));
    const seen = new Map<string, number>();
    const names: string[] = [];
    optArr(report['site'], 'OWASPZAPReport.site').forEach((s, i) => {
      const sp = `OWASPZAPReport.site[${i}]`;
      const site = element(s, sp);
      const name = optStr(site['@name'], `${sp}@name`);
      if (name) names.push(name);
      const alerts = element(site['alerts'], `${sp}.alerts`);
      optArr(alerts['alertitem'], `${sp}.alerts.alertitem`).forEach((a, j) => {
        const ap = `${sp}.alerts.alertitem[${j}]`;
        addAlert(b, readAlert(element(a, ap), ap, name), seen);
      });
    });
    return [
      finish(b, {
        sites: names,
        generated: optStr(report['@generated'], 'OWASPZAPReport@generated'),
        created: optStr(report['@created'], 'OWASPZAPReport@created'),
      }),
    ];
  },
};

const REPEATED = new Set([
  'OWASPZAPReport.site',
  'OWASPZAPReport.site.alerts.alertitem',
  'OWASPZAPReport.site.alerts.alertitem.instances.instance',
  'OWASPZAPReport.site.alerts.alertitem.tags.tag',
]);

// Every value stays a string (a parameter named "010" must not become 10); numeric character
// references are decoded (htmlEntities), entity expansion keeps the parser's default limits.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  trimValues: true,
  isArray: (_name, jpath) => REPEATED.has(String(jpath)),
});

/** An element: an object, or an empty element (""), which has no children. */
function element(x: unknown, path: string): Obj {
  if (x === '' || x === undefined) return {};
  return obj(x, path);
}

function text(x: Obj, key: string, path: string): string | undefined {
  const v = x[key];
  if (isObj(v) && typeof v['#text'] === 'string') return v['#text'];
  return optStr(v, `${path}.${key}`);
}

function readAlert(a: Obj, path: string, site: string | undefined): ZapAlert {
  const pluginId = text(a, 'pluginid', path);
  if (!pluginId) throw new ShapeError(`${path}.pluginid`, 'an alert without a plugin id');
  const instancesEl = element(a['instances'], `${path}.instances`);
  const instances = optArr(instancesEl['instance'], `${path}.instances.instance`).map((x, i) => readInstance(element(x, `${path}.instances.instance[${i}]`), `${path}.instances.instance[${i}]`));
  const tagsEl = 'tags' in a ? element(a['tags'], `${path}.tags`) : undefined;
  // -plus is the form with <tags> or with requests in its instances; its texts are plain.
  const plus = tagsEl !== undefined || instances.some((i) => i.plus);
  return {
    pluginId,
    alertRef: text(a, 'alertRef', path),
    name: text(a, 'name', path) ?? text(a, 'alert', path) ?? pluginId,
    risk: zapCode(optNum(text(a, 'riskcode', path), `${path}.riskcode`), RISK_WORDS),
    nativeRisk: text(a, 'riskdesc', path) ?? text(a, 'riskcode', path),
    confidence: zapCode(optNum(text(a, 'confidence', path), `${path}.confidence`), CONFIDENCE_WORDS),
    description: text(a, 'desc', path),
    solution: text(a, 'solution', path),
    reference: text(a, 'reference', path),
    otherinfo: text(a, 'otherinfo', path),
    html: !plus,
    cweid: text(a, 'cweid', path),
    wascid: text(a, 'wascid', path),
    systemic: bool(text(a, 'systemic', path)),
    tags: tagsEl ? readTags(tagsEl, `${path}.tags`) : undefined,
    site,
    instances,
  };
}

function readInstance(x: Obj, path: string): ZapInstance & { plus: boolean } {
  return {
    uri: text(x, 'uri', path) ?? '',
    method: text(x, 'method', path),
    param: text(x, 'param', path),
    attack: text(x, 'attack', path),
    evidence: text(x, 'evidence', path),
    otherinfo: text(x, 'otherinfo', path),
    nodeName: text(x, 'nodeName', path),
    responseStatus: statusOf(text(x, 'responseheader', path)),
    plus: 'requestheader' in x || 'responseheader' in x,
  };
}

function readTags(tags: Obj, path: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  optArr(tags['tag'], `${path}.tag`).forEach((t, i) => {
    const o = element(t, `${path}.tag[${i}]`);
    const k = text(o, 'tag', `${path}.tag[${i}]`);
    if (k) out[k] = text(o, 'link', `${path}.tag[${i}]`) ?? '';
  });
  return Object.keys(out).length ? out : undefined;
}
