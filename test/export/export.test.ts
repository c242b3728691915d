import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, Result } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, MAX_BATCH_BYTES, toAsffBatches, type AsffBatch, type AsffFinding } from '../../src/export/asff.js';
import { toSccFindings } from '../../src/export/gcp-scc.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'secgate-export-'));
const sarif = join(dir, 'secgate.sarif');
let log: Log;

/**
 * Required members of the AwsSecurityFinding structure in the Security Hub service model
 * (boto/botocore, botocore/data/securityhub/2018-10-26/service-2.json, shape
 * "AwsSecurityFinding", "required"), and of "Resource" (Type, Id). Severity and Types are
 * also required by the ASFF reference for BatchImportFindings ("Required top-level
 * attributes"), though the model leaves them optional because other operations return them.
 */
const MODEL_REQUIRED = ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'CreatedAt', 'UpdatedAt', 'Title', 'Description', 'Resources'];
const ASFF_REQUIRED = [...MODEL_REQUIRED, 'Severity', 'Types'];
const RESOURCE_REQUIRED = ['Type', 'Id'];
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

function checkFinding(f: AsffFinding): string[] {
  const problems: string[] = [];
  for (const k of ASFF_REQUIRED) if (f[k] === undefined || f[k] === '' || (Array.isArray(f[k]) && (f[k] as unknown[]).length === 0)) problems.push(`${f.Id}: missing ${k}`);
  if (f['SchemaVersion'] !== '2018-10-08') problems.push(`${f.Id}: SchemaVersion`);
  if (!/^\d{12}$/.test(String(f['AwsAccountId']))) problems.push(`${f.Id}: AwsAccountId`);
  for (const k of ['CreatedAt', 'UpdatedAt']) if (Number.isNaN(Date.parse(String(f[k])))) problems.push(`${f.Id}: ${k} not a timestamp`);
  if (!LABELS.includes((f['Severity'] as { Label: string }).Label)) problems.push(`${f.Id}: Severity.Label`);
  // ASFF Types: namespace/category/classifier, the namespace one of the five the ASFF reference lists.
  const NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
  for (const t of f['Types'] as string[]) if (t.split('/').length > 3 || !NAMESPACES.includes(t.split('/')[0]!)) problems.push(`${f.Id}: Types ${t}`);
  if (String(f['Title']).length > 256 || String(f['Description']).length > 1024) problems.push(`${f.Id}: Title/Description too long`);
  for (const r of f['Resources'] as Record<string, unknown>[]) for (const k of RESOURCE_REQUIRED) if (!r[k]) problems.push(`${f.Id}: Resource.${k}`);
  return problems;
}

beforeAll(async () => {
  const r = await runCli(['check', join(ROOT, 'fixtures/reports/grype.json'), join(ROOT, 'fixtures/wazuh/alerts.json'), join(ROOT, 'fixtures/asff/securityhub-export.json'), '--sarif', sarif]);
  expect(r.code, r.stderr).toBe(1);
  log = JSON.parse(readFileSync(sarif, 'utf8'));
});

describe('secgate export --format asff', () => {
  it('writes BatchImportFindings batches with every required member, one finding per result', async () => {
    const out = join(dir, 'asff.json');
    const r = await runCli(['export', '--from', sarif, '--format', 'asff', '--aws-account-id', '111122223333', '--aws-region', 'eu-west-1', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const batches = JSON.parse(readFileSync(out, 'utf8')) as AsffBatch[];
    const findings = batches.flatMap((b) => b.Findings);
    const results = log.runs.flatMap((run) => run.results ?? []).filter((x: Result) => x.kind === undefined || x.kind === 'fail');
    expect(findings).toHaveLength(results.length);
    expect(findings.flatMap(checkFinding)).toEqual([]);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    expect(findings[0]!['ProductArn']).toBe('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
    // Suppressed results (the SUPPRESSED and ARCHIVED Security Hub findings) are exported archived.
    expect(findings.filter((f) => f['RecordState'] === 'ARCHIVED')).toHaveLength(2);
    const curl = findings.find((f) => (f['Vulnerabilities'] as { Id: string }[] | undefined)?.[0]?.Id === 'CVE-2023-38545');
    expect(curl?.['Types']).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
    expect((curl?.['Severity'] as { Label: string }).Label).toBe('CRITICAL');
  });

  it('the same finding exported later keeps its Id (a re-import updates it)', () => {
    const a = toAsffBatches(log, { awsAccountId: '111122223333', region: 'eu-west-1', now: new Date('2026-01-01T00:00:00Z') });
    const b = toAsffBatches(log, { awsAccountId: '111122223333', region: 'eu-west-1', now: new Date('2026-06-01T00:00:00Z') });
    expect(b.flatMap((x) => x.Findings.map((f) => f.Id))).toEqual(a.flatMap((x) => x.Findings.map((f) => f.Id)));
    expect(b[0]!.Findings[0]!['UpdatedAt']).toBe('2026-06-01T00:00:00.000Z');
  });

  it('splits into batches of at most 100 findings and 240 KB', () => {
    const many: AsffFinding[] = Array.from({ length: 250 }, (_, i) => ({ Id: `f${i}`, Description: 'x'.repeat(i % 7 === 0 ? 20_000 : 100) }));
    const batches = batch(many);
    expect(batches.flatMap((b) => b.Findings.map((f) => f.Id))).toEqual(many.map((f) => f.Id));
    for (const b of batches) {
      expect(b.Findings.length).toBeLessThanOrEqual(100);
      expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(batches.length).toBeGreaterThan(3); // 36 findings of 20 KB cannot fit in 3 × 240 KB
  });

  it('account, region and product ARN from secgate.yml export: when no flag gives them', async () => {
    const proj = mkdtempSync(join(tmpdir(), 'secgate-export-cfg-'));
    writeFileSync(join(proj, 'secgate.yml'), 'version: 1\nexport:\n  asff:\n    aws_account_id: "444455556666"\n    region: us-east-2\n    product_arn: arn:aws:securityhub:us-east-2:444455556666:product/444455556666/default\n');
    const r = await runCli(['export', '--from', sarif, '--format', 'asff'], { cwd: proj });
    expect(r.code, r.stderr).toBe(0);
    const first = (JSON.parse(r.stdout) as AsffBatch[])[0]!.Findings[0]!;
    expect(first).toMatchObject({ AwsAccountId: '444455556666', Region: 'us-east-2', ProductArn: 'arn:aws:securityhub:us-east-2:444455556666:product/444455556666/default' });
    writeFileSync(join(proj, 'secgate.yml'), 'version: 1\nexport:\n  asff:\n    aws_account_id: "12345"\n');
    const bad = await runCli(['export', '--from', sarif, '--format', 'asff'], { cwd: proj });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/secgate\.yml:4:\d+: export\.asff\.aws_account_id/);
  });

  it('a missing account id is one line, exit 2', async () => {
    const r = await runCli(['export', '--from', sarif, '--format', 'asff', '--aws-region', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/12-digit AWS account id/);
  });

  it('a log that is not SARIF is one line, exit 2', async () => {
    const bad = join(dir, 'bad.sarif');
    writeFileSync(bad, '{"version":"2.1.0"}');
    const r = await runCli(['export', '--from', bad, '--format', 'asff', '--aws-account-id', '111122223333', '--aws-region', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a SARIF 2\.1\.0 log/);
  });
});

describe('secgate export --upload against a local Security Hub endpoint', () => {
  let server: Server;
  let endpoint: string;
  const requests: { path: string; auth: string; body: { Findings: AsffFinding[] } }[] = [];
  let failIds = new Set<string>();
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const body = JSON.parse(data) as { Findings: AsffFinding[] };
        requests.push({ path: `${req.method} ${req.url}`, auth: String(req.headers['authorization'] ?? ''), body });
        const failed = body.Findings.filter((f) => failIds.has(f.Id)).map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to Amazon Finding Format. data.Resources[0].Id should be string.' }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ FailedCount: failed.length, SuccessCount: body.Findings.length - failed.length, FailedFindings: failed }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const env = () => ({ AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET });
  const args = () => ['export', '--from', sarif, '--format', 'asff', '--aws-account-id', '111122223333', '--aws-region', 'eu-west-1', '--upload', '--endpoint', endpoint, '-o', join(dir, 'up.json')];

  it('POSTs each batch to /findings/import, SigV4-signed', async () => {
    requests.length = 0;
    failIds = new Set();
    const r = await runCli(args(), { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((q) => q.path === 'POST /findings/import')).toBe(true);
    expect(requests[0]!.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/securityhub\/aws4_request/);
    const sent = requests.flatMap((q) => q.body.Findings);
    expect(sent).toEqual(JSON.parse(readFileSync(join(dir, 'up.json'), 'utf8')).flatMap((b: AsffBatch) => b.Findings));
    expect(r.stderr).toMatch(new RegExp(`${sent.length} imported into Security Hub`));
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });

  it('FailedFindings in the answer: exit 2, one line naming the finding and the error', async () => {
    requests.length = 0;
    const first = (JSON.parse(readFileSync(join(dir, 'up.json'), 'utf8')) as AsffBatch[])[0]!.Findings[1]!.Id;
    failIds = new Set([first]);
    const r = await runCli(args(), { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`rejected 1 of`);
    expect(r.stderr).toContain(first);
    expect(r.stderr).toContain('InvalidInput');
    expect(r.stderr).not.toContain(SECRET);
  });

  it('no credentials: exit 2 before any request', async () => {
    requests.length = 0;
    const r = await runCli(args(), { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs AWS credentials/);
    expect(requests).toHaveLength(0);
  });

  it('the endpoint answering 500: exit 2 with one line', async () => {
    const bad = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalException' });
      res.end(JSON.stringify({ message: 'Internal service error' }));
    });
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(bad.address() as AddressInfo).port}`;
    const a = args();
    a[a.indexOf(endpoint)] = url;
    const r = await runCli(a, { env: env() });
    await new Promise<void>((r2) => bad.close(() => r2()));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/BatchImportFindings failed on batch 1 .*HTTP 500/);
  });
});

describe('secgate export --format gcp-scc', () => {
  it('CreateFinding requests: stable alphanumeric ids (1–32), the fields SCC needs', async () => {
    const out = join(dir, 'scc.json');
    const r = await runCli(['export', '--from', sarif, '--format', 'gcp-scc', '--scc-source', 'organizations/123/sources/456', '--scc-resource', '//cloudresourcemanager.googleapis.com/projects/789', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const findings = JSON.parse(readFileSync(out, 'utf8')) as { parent: string; findingId: string; finding: Record<string, unknown> }[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.findingId).toMatch(/^[A-Za-z0-9]{1,32}$/);
      expect(f.parent).toBe('organizations/123/sources/456');
      expect(['ACTIVE', 'INACTIVE']).toContain(f.finding['state']);
      expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']).toContain(f.finding['severity']);
      expect(['THREAT', 'VULNERABILITY', 'MISCONFIGURATION', 'OBSERVATION']).toContain(f.finding['findingClass']);
      expect(f.finding['category']).toMatch(/^[A-Z0-9_]+$/);
      expect(f.finding['resourceName']).toBe('//cloudresourcemanager.googleapis.com/projects/789');
      expect(Number.isNaN(Date.parse(String(f.finding['eventTime'])))).toBe(false);
      expect(typeof f.finding['sourceProperties']).toBe('object');
    }
    expect(new Set(findings.map((f) => f.findingId)).size).toBe(findings.length);
    const again = toSccFindings(log, { source: 'organizations/123/sources/456', resourceName: '//x', now: new Date(0) });
    expect(again.map((f) => f.findingId)).toEqual(findings.map((f) => f.findingId));
    // Wazuh alerts keep their own event time; ATT&CK-tagged runtime alerts are threats.
    const ssh = findings.find((f) => (f.finding['sourceProperties'] as { ruleId: string }).ruleId === '5710')!;
    expect(ssh.finding['eventTime']).toBe('2026-11-20T11:45:51.617Z');
    expect(ssh.finding['findingClass']).toBe('THREAT');
  });
});
