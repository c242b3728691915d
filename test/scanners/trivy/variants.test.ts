import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result, Run } from 'sarif';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { correlate } from '../../../src/sarif/correlate.js';
import { sarifProblems } from '../../helpers/sarif-schema.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'reports', 'variants');
const read = (name: string) => parseReport({ path: join(DIR, name) }, readFileSync(join(DIR, name), 'utf8'), { unknownSeverity: 'medium' });
const summary = (r: Result) => `${r.ruleId} ${String(r.properties?.['severity'])}${r.suppressions?.length ? ' suppressed' : ''} @ ${r.locations![0]!.physicalLocation!.artifactLocation!.uri}`;

// The same cluster written three ways by `trivy k8s --format json` (pkg/k8s/report): `--report all`
// (Resources[]), the default `--report summary` (Findings[], consolidated per resource), and the
// older Vulnerabilities[]/Misconfigurations[] split. Each: 2 vulnerabilities, 3 failed checks, and
// one resource trivy could not scan.
describe.each(['trivy-k8s-all.json', 'trivy-k8s-summary.json', 'trivy-k8s-legacy.json'])('trivy k8s report %s', (name) => {
  const { format, runs } = read(name);
  const run: Run = runs[0]!;
  const results = run.results!;

  it('is read as Trivy, one result per vulnerability and failed check, valid SARIF', () => {
    expect(format).toBe('trivy');
    expect(results.map(summary).sort()).toEqual([
      'CVE-2021-23337 high @ app/package-lock.json',
      'CVE-2022-37434 critical @ shop/Deployment/shop-api',
      'KSV001 medium @ shop/Deployment/shop-api',
      'KSV012 medium @ shop/Deployment/shop-api',
      'KSV041 critical @ ClusterRole/shop-operator',
    ]);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('names the Kubernetes resource of each finding', () => {
    for (const r of results) expect(String(r.properties?.['resource'])).toMatch(/^(shop\/Deployment\/shop-api|ClusterRole\/shop-operator)$/);
    expect(run.properties?.['target']).toBe('kind-shop');
    expect(run.properties?.['kind']).toBe('container');
  });

  it('keeps the resource trivy could not scan as a visible notification, not a silent gap', () => {
    const notes = run.invocations![0]!.toolExecutionNotifications ?? [];
    expect(notes.map((n) => n.message.text)).toEqual([expect.stringContaining('trivy could not scan shop/CronJob/nightly-report: scan error')]);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
  });
});

describe('trivy fs report without SchemaVersion', () => {
  const { format, runs } = read('trivy-fs-no-schema.json');
  const results = runs[0]!.results!;

  it('reads vulnerabilities, failed and excepted checks, secrets and licences; a PASSed check is no finding', () => {
    expect(format).toBe('trivy');
    expect(results.map(summary)).toEqual([
      'CVE-2023-32681 medium @ requirements.txt',
      'CVE-2024-99999 medium @ requirements.txt',
      'DS026 low @ deploy/Dockerfile',
      'DS002 high suppressed @ deploy/Dockerfile',
      'stripe-secret-token critical @ config/settings.py',
      'license/GPL-2.0 high @ Python',
    ]);
    expect(sarifProblems(mergeRuns(runs))).toEqual([]);
  });

  it('applies policy.unknown_severity to UNKNOWN and marks it', () => {
    const unknown = results.find((r) => r.ruleId === 'CVE-2024-99999')!;
    expect(unknown.properties?.['severityUnknown']).toBe(true);
    expect(unknown.properties?.['nativeSeverity']).toBe('UNKNOWN');
    const low = parseReport({ path: 'x.json' }, readFileSync(join(DIR, 'trivy-fs-no-schema.json'), 'utf8'), { unknownSeverity: 'low' });
    expect(low.runs[0]!.results!.find((r) => r.ruleId === 'CVE-2024-99999')!.properties?.['severity']).toBe('low');
  });

  it('keeps CVSS only inside the label band: 6.1 for a MEDIUM stays 6.1', () => {
    expect(results[0]!.properties?.['security-severity']).toBe('6.1');
  });

  it('the EXCEPTION is suppressed with its source; the masked secret stays masked', () => {
    const ds002 = results.find((r) => r.ruleId === 'DS002')!;
    expect(ds002.suppressions).toEqual([expect.objectContaining({ kind: 'external', status: 'accepted' })]);
    const secret = results.find((r) => r.ruleId === 'stripe-secret-token')!;
    expect(JSON.stringify(secret)).not.toMatch(/sk_live/);
    expect(secret.locations![0]!.physicalLocation!.region!.startLine).toBe(14);
  });
});

describe('the same cluster in the k8s report and the image report', () => {
  it('correlates the image CVE and the lock-file CVE across the two trivy runs', () => {
    const runs = [...read('trivy-k8s-all.json').runs, ...parseReport({ path: 'trivy.json' }, readFileSync(join(DIR, '..', 'trivy.json'), 'utf8'), { unknownSeverity: 'medium' }).runs];
    const log = mergeRuns(runs);
    correlate(log);
    const guid = (id: string) => new Set(log.runs.flatMap((r) => r.results!).filter((r) => r.ruleId === id).map((r) => r.correlationGuid));
    expect(guid('CVE-2022-37434').size).toBe(1);
    expect(guid('CVE-2021-23337').size).toBe(1);
  });
});
