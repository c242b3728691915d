import type { Adapter } from './types.js';
import { grypeJson } from './grype/json.js';
import { trivyJson } from './trivy/json.js';
import { npmAuditJson } from './npm-audit/json.js';
import { sonarqubeJson } from './sonarqube/json.js';
import { sarifLog } from './sarif/sarif.js';
import { zapTraditionalJson } from './zap/traditional-json.js';
import { zapTraditionalXml } from './zap/traditional-xml.js';
import { zapApiAlerts } from './zap/api-alerts.js';
import { wazuhApiVulnerabilities } from './wazuh/api-vulnerabilities.js';
import { wazuhIndexerStates } from './wazuh/indexer-states.js';
import { wazuhAlerts, wazuhAlert } from './wazuh/alerts-ndjson.js';
import { asffJson, asffLines } from './asff/asff.js';

/**
 * Every report format secgate reads. Order matters only for detection: more specific shapes
 * first, SARIF (which any tool can emit) last. A new format is one file and one line here.
 */
export const adapters: readonly Adapter[] = [
  grypeJson,
  trivyJson,
  npmAuditJson,
  sonarqubeJson,
  wazuhApiVulnerabilities, wazuhIndexerStates, wazuhAlerts, wazuhAlert,
  asffJson, asffLines,
  zapTraditionalJson, zapTraditionalXml, zapApiAlerts,
  sarifLog,
];

export function adapterById(id: string): Adapter | undefined {
  return adapters.find((a) => a.id === id);
}

export function formatIds(): string[] {
  return adapters.map((a) => a.id);
}
