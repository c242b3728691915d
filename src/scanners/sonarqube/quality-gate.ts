import { isObj, obj, optArr, optStr, ShapeError } from '../shape.js';
import type { SonarMeta } from './common.js';

/** The run-level property the policy enforces (`quality_gate: enforce|warn|ignore`). */
export interface QualityGate {
  status: 'OK' | 'WARN' | 'ERROR' | 'NONE';
  conditions?: QualityGateCondition[];
  projectKey?: string;
  analysisId?: string;
  dashboardUrl?: string;
}

export interface QualityGateCondition {
  metricKey: string;
  status: string;
  comparator?: string;
  errorThreshold?: string;
  actualValue?: string;
}

const STATUSES = ['OK', 'WARN', 'ERROR', 'NONE'] as const;

/**
 * `api/qualitygates/project_status` → QualityGate. Both the older shape (`periods[]`, a
 * `periodIndex` per condition) and the newer one (one `period` object) carry the same
 * status and conditions; the period says which new-code period the `new_*` metrics cover.
 */
export function parseQualityGate(doc: unknown, path: string, meta: SonarMeta): { gate: QualityGate; period?: Record<string, unknown> } {
  const ps = obj(obj(doc, path)['projectStatus'], `${path}.projectStatus`);
  const status = optStr(ps['status'], `${path}.projectStatus.status`);
  if (!status || !(STATUSES as readonly string[]).includes(status)) {
    throw new ShapeError(`${path}.projectStatus.status`, `expected one of ${STATUSES.join(', ')}, found ${JSON.stringify(status)}`);
  }
  const conditions = optArr(ps['conditions'], `${path}.projectStatus.conditions`).map((c, i) => {
    const cp = `${path}.projectStatus.conditions[${i}]`;
    const co = obj(c, cp);
    const out: QualityGateCondition = {
      metricKey: optStr(co['metricKey'], `${cp}.metricKey`) ?? '',
      status: optStr(co['status'], `${cp}.status`) ?? '',
    };
    if (!out.metricKey) throw new ShapeError(`${cp}.metricKey`, 'a quality gate condition has no metricKey');
    const comparator = optStr(co['comparator'], `${cp}.comparator`);
    const errorThreshold = optStr(co['errorThreshold'], `${cp}.errorThreshold`);
    const actualValue = optStr(co['actualValue'], `${cp}.actualValue`);
    if (comparator !== undefined) out.comparator = comparator;
    if (errorThreshold !== undefined) out.errorThreshold = errorThreshold;
    if (actualValue !== undefined) out.actualValue = actualValue;
    return out;
  });
  const gate: QualityGate = { status: status as QualityGate['status'] };
  if (conditions.length) gate.conditions = conditions;
  if (meta.projectKey) gate.projectKey = meta.projectKey;
  if (meta.analysisId) gate.analysisId = meta.analysisId;
  if (meta.dashboardUrl) gate.dashboardUrl = meta.dashboardUrl;
  const periods = optArr(ps['periods'], `${path}.projectStatus.periods`).filter(isObj);
  const period = isObj(ps['period']) ? ps['period'] : periods[0];
  return { gate, ...(period ? { period } : {}) };
}
