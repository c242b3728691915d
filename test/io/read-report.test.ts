import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, readReport, startsLikeRecords } from '../../src/io/read-report.js';
import { ReportError } from '../../src/errors.js';

const opts = { unknownSeverity: 'medium' as const };
function error(text: string, format?: string): ReportError {
  try {
    parseReport({ path: 'reports/scan.json', format }, text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ReportError);
    expect((e as ReportError).oneLine().split('\n')).toHaveLength(1);
    return e as ReportError;
  }
  throw new Error('expected a ReportError');
}

describe('reading a report: every failure is one line naming the file', () => {
  it('an empty or blank file', () => {
    expect(error('').oneLine()).toMatch(/^reports\/scan\.json: the file is empty — /);
    expect(error(' \n\t\n').message).toContain('the file is empty');
    expect(error('\ufeff').message).toContain('the file is empty');
  });

  it('truncated JSON says so, with the line and column where it stops', () => {
    const doc = '{\n  "matches": [\n    {"vulnerability": {"id": "CVE-1"';
    const e = error(doc);
    expect(e.message).toMatch(/is truncated/);
    expect(e.where).toBe('line 3, column 37'); // just past the last character written
    expect(error('{"matches": [').where).toBe('line 1, column 14');
    expect(error('{"Results": [{"Target": "ab').message).toMatch(/is truncated/);
  });

  it('not JSON at all (a table or a log): says what it starts with, with control characters escaped', () => {
    const e = error('\u001b[31mNAME    INSTALLED  FIXED-IN\u001b[0m\nzlib    1.2.12');
    expect(e.message).toMatch(/is not JSON: it starts with "\\u001b\[31mNAME/);
    expect(e.oneLine()).not.toContain('\u001b');
    expect(e.where).toBe('line 1, column 1');
  });

  it('JSON with a syntax error in the middle: where, and what', () => {
    const e = error('{"matches": [],\n "source": {,}}');
    expect(e.message).toMatch(/is not valid JSON \(.+\)/);
    expect(e.where).toBe('line 2, column 13');
  });

  it('JSON of no known format lists the format ids and how to force one', () => {
    const e = error('{"foo": 1, "bar": [1]}');
    expect(e.message).toContain('not a report format secgate knows (a JSON object with keys "foo", "bar")');
    expect(e.oneLine()).toMatch(/grype, trivy/);
    expect(e.oneLine()).toContain('--format <id>:reports/scan.json');
  });

  it('an unknown forced format, and a forced format the document does not match (with its JSON path)', () => {
    expect(error('{}', 'nessus').message).toContain('unknown format "nessus"');
    const e = error('{"matches": [{"vulnerability": {}, "artifact": {"name": "x"}}]}', 'grype');
    expect(e.where).toBe('$.matches[0].vulnerability.id');
    expect(e.message).toContain('does not look like Grype JSON');
  });

  it('detection is by content, never by file name', () => {
    const grype = '{"matches": [], "descriptor": {"name": "grype", "version": "0.80.0"}}';
    expect(parseReport({ path: 'trivy-results.sarif' }, grype, opts).format).toBe('grype');
    expect(parseReport({ path: 'grype.json' }, 'null', opts).format).toBe('trivy');
  });

  it('a missing file, a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-read-'));
    await expect(readReport({ path: join(dir, 'nope.json') }, opts)).rejects.toThrow(/nope\.json: no such file/);
    mkdirSync(join(dir, 'sub'));
    await expect(readReport({ path: join(dir, 'sub') }, opts)).rejects.toThrow(/is a directory/);
    writeFileSync(join(dir, 'ok.json'), 'null');
    await expect(readReport({ path: join(dir, 'ok.json') }, opts)).resolves.toMatchObject({ format: 'trivy' });
  });

  it('a huge string value does not break reading', () => {
    const doc = { matches: [{ vulnerability: { id: 'CVE-1', severity: 'High', description: 'x'.repeat(2_000_000) }, artifact: { name: 'p', version: '1', type: 'npm' } }], descriptor: { name: 'grype' } };
    const { runs } = parseReport({ path: 'big.json' }, JSON.stringify(doc), opts);
    expect(runs[0]!.results).toHaveLength(1);
    // one-line short description, however long the description
    expect(runs[0]!.tool.driver.rules![0]!.shortDescription!.text.length).toBeLessThanOrEqual(1024);
  });
});

describe('reading report files in other encodings', () => {
  it('a UTF-16LE report with a BOM (Windows PowerShell redirect) reads like the UTF-8 one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-read-'));
    const doc = '{"matches": [], "descriptor": {"name": "grype", "version": "0.80.0"}}';
    writeFileSync(join(dir, 'ps.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]));
    await expect(readReport({ path: join(dir, 'ps.json') }, opts)).resolves.toMatchObject({ format: 'grype' });
  });
});

// Grype and Trivy reports stream from STREAM_RECORDS_ABOVE (32 MiB), other formats from STREAM_ABOVE;
// SECGATE_STREAM_ABOVE (opts.streamAbove) sets one limit for all. Which way a report was read shows
// in where damage deep in its bulk is reported: a byte when streamed, a line and column when whole.
describe('which reports are streamed by default', () => {
  it('recognises Grype and Trivy JSON from their first member, and nothing else', () => {
    for (const head of ['{"matches":[', '\xef\xbb\xbf{\n  "matches": [', '{"SchemaVersion": 2,', '{ "ArtifactName": "x"', '{"ClusterName":"c"', '{"descriptor":{"name":"grype","version":"0.79.3"},"source":{']) expect(startsLikeRecords(head), head).toBe(true);
    for (const head of ['{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[', '{"version":"2.1.0","runs":[', '{"@version":"2.17","site":[', '[{"Target":"x"}]', '{"descriptor":{}, "matches":[]}', '{"descriptor":{"name":"syft"}}', '"matches"']) expect(startsLikeRecords(head), head).toBe(false);
  });

  const STREAM_RECORDS = 32 * 2 ** 20;
  /** A report of `prefix` + many copies of `element` + `suffix`, past 32 MiB, with one damaged element deep inside. */
  const big = (name: string, prefix: string, element: string, suffix: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'secgate-threshold-'));
    const n = Math.ceil((STREAM_RECORDS + 2 ** 20) / (element.length + 1));
    const parts = Array.from({ length: n }, () => element);
    parts[Math.floor(n / 2)] = `${element.slice(0, -1)},}`;
    const path = join(dir, name);
    writeFileSync(path, `${prefix}${parts.join(',')}${suffix}`);
    return path;
  };
  const failure = async (path: string, streamAbove?: number) => {
    try {
      await readReport({ path }, { ...opts, ...(streamAbove === undefined ? {} : { streamAbove }) });
    } catch (e) {
      expect(e).toBeInstanceOf(ReportError);
      return (e as ReportError).oneLine();
    }
    throw new Error('expected a ReportError');
  };
  const grypeMatch = JSON.stringify({ vulnerability: { id: 'CVE-2024-1', severity: 'High' }, artifact: { name: 'p', version: '1', type: 'npm' }, matchDetails: [] });

  it('a Grype report over 32 MiB is streamed; SECGATE_STREAM_ABOVE above its size reads it whole', async () => {
    const path = big('grype.json', '{"matches":[', grypeMatch, '],"descriptor":{"name":"grype"}}');
    expect(await failure(path)).toMatch(/\(byte \d+\): is not valid JSON/);
    expect(await failure(path, 2 ** 30)).toMatch(/\(line 1, column \d+\): is not valid JSON/);
    rmSync(dirname(path), { recursive: true });
  }, 60_000);

  it('a Trivy report over 32 MiB is streamed', async () => {
    const vuln = JSON.stringify({ VulnerabilityID: 'CVE-2024-1', PkgName: 'p', InstalledVersion: '1', Severity: 'HIGH' });
    const path = big('trivy.json', '{"SchemaVersion":2,"ArtifactName":"a","Results":[{"Target":"t","Vulnerabilities":[', vuln, ']}]}');
    expect(await failure(path)).toMatch(/\(byte \d+\): is not valid JSON/);
    rmSync(dirname(path), { recursive: true });
  }, 60_000);

  it('a SARIF log of the same size is read whole (it streams from 256 MiB)', async () => {
    const result = JSON.stringify({ ruleId: 'r', message: { text: 'm' } });
    const path = big('log.sarif', '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[', result, ']}]}');
    expect(await failure(path)).toMatch(/\(line 1, column \d+\): is not valid JSON/);
    rmSync(dirname(path), { recursive: true });
  }, 60_000);
});
