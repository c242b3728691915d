import { isObj, obj } from '../shape.js';
import type { Adapter } from '../types.js';
import { isNpmError, npmErrorToScannerError } from './error.js';
import { convertV1 } from './v1.js';
import { convertV2 } from './v2.js';

/**
 * `npm audit --json`, every form npm writes: report version 2 (npm ≥ 7), the npm 6 report
 * (`advisories`), and the error object npm prints instead of a report (a failed scan).
 */
export const npmAuditJson: Adapter = {
  id: 'npm-audit',
  title: 'npm audit JSON (npm audit --json)',
  kind: 'sca',
  input: 'json',
  detect(doc) {
    if (!isObj(doc)) return false;
    if (typeof doc['auditReportVersion'] === 'number' && isObj(doc['vulnerabilities'])) return true;
    if (isObj(doc['advisories']) && (Array.isArray(doc['actions']) || Array.isArray(doc['muted']) || isObj(doc['metadata']))) return true;
    return isNpmError(doc);
  },
  toRuns(doc, ctx) {
    if (isNpmError(doc)) throw npmErrorToScannerError(doc);
    const d = obj(doc, '$');
    if ('auditReportVersion' in d) return [convertV2(d, ctx, npmAuditJson.id)];
    return [convertV1(d, ctx, npmAuditJson.id)];
  },
};
