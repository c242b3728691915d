import type { Log } from 'sarif';
import { readVerdict } from '../policy/verdict.js';
import { VERSION } from '../version.js';
import type { ActionFinding } from './select.js';

/** The JSON every action receives (webhook body, command stdin, ansible extra vars). */
export function actionPayload(log: Log, action: string, findings: ActionFinding[]): Record<string, unknown> {
  const verdict = readVerdict(log);
  return {
    secgate: VERSION,
    action,
    verdict: verdict?.status ?? 'error',
    reasons: (verdict?.reasons ?? []).map((r) => r.message),
    findings,
  };
}
