/**
 * Failures the hardening suite found, each pinned where it was fixed (the fault matrix covers
 * them end to end; these say which module owns the behaviour).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError, ReportError } from '../../src/errors.js';
import { appendHistory } from '../../src/history/append.js';
import type { HistoryEntry } from '../../src/history/entry.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { parseReport } from '../../src/io/read-report.js';
import { asffJson } from '../../src/scanners/asff/asff.js';
import { ShapeError } from '../../src/scanners/shape.js';

const REPORTS = join(import.meta.dirname, '..', '..', 'fixtures', 'reports');
const opts = { unknownSeverity: 'medium' as const };

describe('a forced format must fit the document (read-report)', () => {
  it.each([
    ['a Grype report forced as trivy', 'grype.json', 'trivy', /is not Trivy JSON.*"matches"/],
    ['an empty object forced as trivy', undefined, 'trivy', /is not Trivy JSON.*\(an empty JSON object\)/],
    ['a Grype report forced as ZAP JSON', 'grype.json', 'zap-json', /\$|is not ZAP/],
  ])('%s: a ReportError, not zero findings and a pass', (_name, fixture, format, message) => {
    const text = fixture ? readFileSync(join(REPORTS, fixture), 'utf8') : '{}';
    let error: unknown;
    try {
      parseReport({ path: 'r.json', format }, text, opts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).oneLine()).toMatch(message);
    expect((error as ReportError).oneLine()).toMatch(/ — /);
  });

  it('the real format, forced, still reads (with or without findings)', () => {
    expect(parseReport({ path: 't.json', format: 'trivy' }, readFileSync(join(REPORTS, 'trivy.json'), 'utf8'), opts).runs[0]!.results!.length).toBeGreaterThan(0);
    const empty = JSON.stringify({ SchemaVersion: 2, ArtifactName: 'alpine:3.20', ArtifactType: 'container_image', Results: [] });
    expect(parseReport({ path: 't.json', format: 'trivy' }, empty, opts).runs[0]!.results).toEqual([]);
  });
});

describe('ASFF: a Severity of another type is drift, not an unknown severity', () => {
  it('Severity: "HIGH" (a string where ASFF has an object) is a ShapeError at its path', () => {
    const finding = {
      SchemaVersion: '2018-10-08', Id: 'f-1', ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/inspector', GeneratorId: 'g', AwsAccountId: '123456789012',
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE'], CreatedAt: '2026-11-01T00:00:00Z', UpdatedAt: '2026-11-01T00:00:00Z',
      Severity: 'HIGH', Title: 'CVE-2024-1', Description: 'x', Resources: [{ Type: 'Other', Id: 'r' }],
    };
    expect(() => asffJson.toRuns({ Findings: [finding] }, { file: 'a.json', category: 'asff', unknownSeverity: 'medium' })).toThrow(ShapeError);
    try {
      asffJson.toRuns({ Findings: [finding] }, { file: 'a.json', category: 'asff', unknownSeverity: 'medium' });
    } catch (e) {
      expect((e as ShapeError).path).toBe('$.Findings[0].Severity');
    }
  });
});

describe('outputs under a path whose parent is a file', () => {
  it('writeFileAtomic: an OutputError saying the path is not writable (mkdir answers EEXIST there)', async () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'secgate-reg-')), 'file');
    writeFileSync(parent, 'x');
    await expect(writeFileAtomic(join(parent, 'deeper', 'out.sarif'), 'x')).rejects.toThrow(/the path is not a writable file location/);
    await expect(writeFileAtomic(join(parent, 'out.sarif'), 'x')).rejects.toBeInstanceOf(OutputError);
  });

  it('appendHistory: an OutputError (was an uncaught ENOTDIR: "internal error")', async () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'secgate-reg-')), 'file');
    writeFileSync(parent, 'x');
    const entry = { v: 1 } as unknown as HistoryEntry;
    await expect(appendHistory(join(parent, 'history.jsonl'), entry)).rejects.toBeInstanceOf(OutputError);
    await expect(appendHistory(join(parent, 'history.jsonl'), entry)).rejects.toThrow(/history\.jsonl.*ENOTDIR/);
  });
});

describe('lone surrogates (invalid UTF-16) in paths and package names', () => {
  it('a Grype package name with one is read (U+FFFD in the URI), not an adapter crash that stops the gate', () => {
    const doc = JSON.parse(readFileSync(join(REPORTS, 'grype.json'), 'utf8'));
    doc.matches[0].artifact.name = 'bad\ud800name';
    doc.matches[0].artifact.locations = [{ path: '/app/x\udc00y/package.json' }];
    const { runs } = parseReport({ path: 'g.json' }, JSON.stringify(doc), opts);
    expect(runs[0]!.results!.length).toBe(doc.matches.length);
  });
});

describe('config: a YAML alias bomb', () => {
  it('is a ConfigError line, not an internal error', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    const { ConfigError } = await import('../../src/errors.js');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']] as const) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    expect(() => parseConfig(`${levels.join('\n')}\n`, 'secgate.yml')).toThrow(ConfigError);
  });
});

describe('a forced format on an empty answer no other format claims', () => {
  it('an empty Wazuh indexer search forced as wazuh-indexer is zero findings, not an error', () => {
    const empty = JSON.stringify({ took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] } });
    expect(parseReport({ path: 'w.json', format: 'wazuh-indexer' }, empty, opts).runs.flatMap((r) => r.results ?? [])).toEqual([]);
  });
});

describe('actions: a command that prints a token', () => {
  it('has it redacted from the outcome shown on stderr and kept in the SARIF', async () => {
    const { runArgv } = await import('../../src/actions/command.js');
    const token = 'ghs_actionTokenValue0123456789';
    const out = await runArgv('leak', 'command', [process.execPath, '-e', 'console.error("token is " + process.env.GITHUB_TOKEN); process.exit(2)'], { timeoutMs: 10_000, cwd: tmpdir(), env: { PATH: process.env['PATH'], GITHUB_TOKEN: token }, findings: 1 });
    expect(out.status).toBe('failed');
    expect(out.detail).toContain('token is ***');
    expect(out.detail).not.toContain(token);
  });
});
