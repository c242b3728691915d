import type { Log } from 'sarif';
import type { QualityGateMode } from '../config/sections/policy.js';
import { toolName } from '../sarif/props.js';
import type { Reason } from './verdict.js';

/** What the SonarQube adapter puts on its run (run.properties.qualityGate). */
export interface QualityGate {
  status: 'OK' | 'WARN' | 'ERROR' | 'NONE';
  conditions?: { metricKey: string; status: string; comparator?: string; errorThreshold?: string; actualValue?: string }[];
  projectKey?: string;
  analysisId?: string;
  dashboardUrl?: string;
}

/**
 * SonarQube quality gates → reasons (enforce: ERROR fails the build) or warnings (warn, and
 * SonarQube's own WARN status). `ignore` reads nothing.
 */
export function checkQualityGates(log: Log, mode: QualityGateMode): { reasons: Reason[]; warnings: Reason[] } {
  const reasons: Reason[] = [];
  const warnings: Reason[] = [];
  if (mode === 'ignore') return { reasons, warnings };
  for (const run of log.runs) {
    const gate = run.properties?.['qualityGate'] as QualityGate | undefined;
    if (!gate || typeof gate.status !== 'string') continue;
    const project = gate.projectKey ? ` of ${gate.projectKey}` : '';
    const failed = (gate.conditions ?? []).filter((c) => c.status === 'ERROR' || c.status === 'WARN');
    const detail = failed
      .map((c) => `${c.metricKey} ${c.actualValue ?? '?'}${c.comparator && c.errorThreshold !== undefined ? ` (must not be ${c.comparator === 'GT' ? '>' : c.comparator === 'LT' ? '<' : c.comparator} ${c.errorThreshold})` : ''}`)
      .join('; ');
    const where = gate.dashboardUrl ? ` — ${gate.dashboardUrl}` : '';
    if (gate.status === 'ERROR') {
      const r: Reason = { code: 'quality-gate', rule: 'quality_gate', message: `${toolName(run)} quality gate${project} failed${detail ? `: ${detail}` : ''}${where}` };
      (mode === 'enforce' ? reasons : warnings).push(mode === 'enforce' ? r : { ...r, code: 'quality-gate-warning', message: `${r.message} (quality_gate: warn)` });
    } else if (gate.status === 'WARN') {
      warnings.push({ code: 'quality-gate-warning', rule: 'quality_gate', message: `${toolName(run)} quality gate${project} is WARN${detail ? `: ${detail}` : ''}${where}` });
    } else if (gate.status === 'NONE' && mode === 'enforce') {
      warnings.push({ code: 'quality-gate-none', rule: 'quality_gate', message: `${toolName(run)} project${project} has no quality gate to enforce` });
    }
  }
  return { reasons, warnings };
}
