import type { Run } from 'sarif';
import { RunBuilder, type FindingInput } from '../../src/sarif/builder.js';
import type { ToolKind } from '../../src/sarif/props.js';
import type { Severity } from '../../src/sarif/severity.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';

/** Small hand-built runs, described the way the adapters describe findings. */
export interface Vuln {
  id: string;
  aliases?: string[];
  pkg: string; // name
  version: string;
  type?: string; // purl type
  namespace?: string;
  severity: Severity;
  fixed?: string[];
  cvss?: number;
  epss?: number;
  kev?: boolean;
  path?: string;
}

export function vulnRun(tool: string, kind: ToolKind, vulns: Vuln[], category = tool.toLowerCase()): Run {
  const b = new RunBuilder({ name: tool }, kind, { file: `${category}.json`, category, unknownSeverity: 'medium' }, 'test');
  for (const v of vulns) {
    const type = v.type ?? 'npm';
    const purl = `pkg:${type}/${v.namespace ? `${v.namespace}/` : ''}${v.pkg}@${v.version}`;
    b.add({
      ruleId: v.id,
      message: `${v.id} in ${v.pkg}@${v.version}`,
      severity: v.severity,
      location: { uri: v.path ?? 'package-lock.json', logicalName: `${v.pkg}@${v.version}`, logicalKind: 'package' },
      identity: [v.id, v.pkg, v.version],
      properties: {
        vulnerabilityId: v.id,
        aliases: v.aliases ?? [],
        purl,
        packageName: v.namespace ? `${v.namespace}/${v.pkg}` : v.pkg,
        packageVersion: v.version,
        ecosystem: type,
        fixedVersions: v.fixed ?? [],
        fixState: v.fixed?.length ? 'fixed' : 'not-fixed',
        ...(v.cvss !== undefined ? { cvss: [{ score: v.cvss, version: '3.1' }] } : {}),
        ...(v.epss !== undefined ? { epss: v.epss } : {}),
        ...(v.kev !== undefined ? { kev: v.kev } : {}),
      },
    });
  }
  return b.build();
}

export interface CodeFinding {
  rule: string;
  file: string;
  line: number;
  severity: Severity;
  cwe?: string;
  message?: string;
}

export function codeRun(tool: string, findings: CodeFinding[], kind: ToolKind = 'sast'): Run {
  const b = new RunBuilder({ name: tool }, kind, { file: `${tool}.sarif`, category: tool.toLowerCase(), unknownSeverity: 'medium' }, 'test');
  for (const f of findings) {
    const input: FindingInput = {
      ruleId: f.rule,
      message: f.message ?? `${f.rule} at ${f.file}:${f.line}`,
      severity: f.severity,
      location: { uri: f.file, startLine: f.line },
      identity: [f.rule, f.file, f.message ?? ''],
      tags: f.cwe ? [f.cwe] : [],
      properties: f.cwe ? { cwe: [f.cwe] } : {},
    };
    b.add(input);
  }
  return b.build();
}

export interface Alert {
  rule: string;
  url: string;
  severity: Severity;
  method?: string;
  param?: string;
}

export function dastRun(alerts: Alert[], tool = 'ZAP'): Run {
  const b = new RunBuilder({ name: tool }, 'dast', { file: 'zap.json', category: 'zap', unknownSeverity: 'medium' }, 'test');
  for (const a of alerts) {
    b.add({
      ruleId: a.rule,
      message: `${a.rule} at ${a.url}`,
      severity: a.severity,
      location: { uri: a.url },
      identity: [a.rule, a.url, a.method ?? 'GET', a.param ?? ''],
      properties: { url: a.url, method: a.method ?? 'GET', ...(a.param ? { param: a.param } : {}) },
    });
  }
  return b.build();
}

/** A run whose scanner failed (still recorded: the gate fails closed on it). */
export function failedRun(tool: string, kind: ToolKind, message = 'exit status 1'): Run {
  const b = new RunBuilder({ name: tool }, kind, { file: `${tool}.json`, category: tool.toLowerCase(), unknownSeverity: 'medium' }, 'test');
  b.failed(message, 1);
  return b.build();
}

export function sonarRun(gate: Record<string, unknown> | undefined, findings: CodeFinding[] = []): Run {
  const run = codeRun('SonarQube', findings);
  if (gate) run.properties = { ...run.properties, qualityGate: gate };
  return run;
}

/** secgate.yml text → Config, through the real loader (schema, defaults, presets). */
export function config(yaml: string, file = 'secgate.yml'): Config {
  return parseConfig(yaml, file);
}

export const NOW = new Date('2026-11-23T12:00:00Z');
