import type { Log } from 'sarif';
import { defaultConfig } from '../../src/config/load.js';
import { gate } from '../../src/pipeline.js';
import { RunBuilder } from '../../src/sarif/builder.js';
import type { Severity } from '../../src/sarif/severity.js';

export interface F {
  severity: Severity;
  rule: string;
  message?: string;
  uri?: string;
  line?: number;
  pkg?: string;
  tool?: string;
}

/** A gated log (verdict embedded) from a few findings, built the way adapters build runs. */
export function makeLog(findings: F[]): Log {
  const byTool = new Map<string, F[]>();
  for (const f of findings) byTool.set(f.tool ?? 'semgrep', [...(byTool.get(f.tool ?? 'semgrep') ?? []), f]);
  const runs = [...byTool].map(([tool, fs]) => {
    const b = new RunBuilder({ name: tool, version: '1.0.0' }, 'sast', { file: `${tool}.sarif`, category: tool, unknownSeverity: 'medium' }, 'test');
    fs.forEach((f, i) =>
      b.add({
        ruleId: f.rule,
        message: f.message ?? `${f.rule} found`,
        severity: f.severity,
        location: { uri: f.uri ?? 'src/app.js', startLine: f.line ?? i + 1 },
        identity: [f.rule, f.uri ?? 'src/app.js', i, f.pkg],
        ...(f.pkg ? { properties: { packageName: f.pkg, packageVersion: '1.0.0', vulnerabilityId: f.rule } } : {}),
      }),
    );
    return b.build();
  });
  return gate({ runs, config: defaultConfig(), now: new Date('2026-11-23T12:00:00Z') }).log;
}
