import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'fixtures/bin');
const ALERTS = join(ROOT, 'fixtures/wazuh/alerts.json');
const SECRET = 's3cr3t-hmac-key-do-not-print';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
let server: Server;
let url: string;
const received: Received[] = [];
let status = 200;
let hang = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (hang) return; // never answers: the action's timeout must fire
      res.writeHead(status);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secgate?token=abc`;
});
afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

function project(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-actions-'));
  writeFileSync(join(dir, 'secgate.yml'), yaml);
  return dir;
}
const env = (extra: Record<string, string> = {}) => ({ PATH: `${BIN}${delimiter}${process.env['PATH'] ?? ''}`, ...extra });
const sarifOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'secgate.sarif'), 'utf8'));

describe('actions after check', () => {
  it('dry run by default: says what it would do, acts on nothing, records the outcome in the SARIF', async () => {
    received.length = 0;
    const dir = project(`version: 1\nactions:\n  - name: notify\n    when: { severity: high }\n    webhook: { url: "${url}" }\n`);
    const r = await runCli(['check', ALERTS], { cwd: dir, env: env() });
    expect(r.code).toBe(1); // the verdict is the policy's, whatever the actions do
    expect(received).toHaveLength(0);
    expect(r.stderr).toMatch(/action notify \(webhook, 1 finding\): dry-run — would POST to http:\/\/127\.0\.0\.1:\d+\/hooks\/secgate \(dry run: add --apply to act\)/);
    expect(r.stderr).not.toContain('token=abc');
    expect(sarifOf(dir).properties.secgate.actions).toEqual([expect.objectContaining({ name: 'notify', status: 'dry-run', findings: 1 })]);
  });

  it('--apply: webhook gets verdict + matching findings, HMAC-signed with the secret from the env', async () => {
    received.length = 0;
    status = 200;
    const dir = project(`version: 1\nactions:\n  - name: notify\n    when: { severity: medium, tools: [wazuh] }\n    webhook: { url: "${url}", secret_env: SECGATE_HOOK_SECRET }\n`);
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env({ SECGATE_HOOK_SECRET: SECRET }) });
    expect(r.code).toBe(1);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    expect(headers['x-secgate-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
    const payload = JSON.parse(body);
    expect(payload.verdict).toBe('fail');
    // medium and above from wazuh: syscheck (7), rootcheck (7), SCA (7), CVE (High), sshd (5) → 5.
    expect(payload.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['510', '550', '5710', 'CVE-2024-6387', 'sca/cis_ubuntu22-04/28566']);
    expect(r.stderr).toMatch(/✓ action notify \(webhook, 5 findings\): ok — POST .*: HTTP 200/);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(readFileSync(join(dir, 'secgate.sarif'), 'utf8')).not.toContain(SECRET);
  });

  it('no secret set: no signature header', async () => {
    received.length = 0;
    const dir = project(`version: 1\nactions:\n  - name: n\n    when: { severity: critical }\n    webhook: { url: "${url}", secret_env: SECGATE_HOOK_SECRET }\n  - name: h\n    when: { severity: high }\n    webhook: { url: "${url}" }\n`);
    await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env() });
    expect(received).toHaveLength(1); // nothing critical: "n" is skipped
    expect(received[0]!.headers['x-secgate-signature']).toBeUndefined();
  });

  it('a failing or hanging webhook is recorded as failed/timeout and never changes the verdict', async () => {
    status = 500;
    const dir = project(`version: 1\npolicy: { fail_on: [] }\nactions:\n  - name: broken\n    when: {}\n    webhook: { url: "${url}" }\n`);
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/✗ action broken .*: failed — POST .*: HTTP 500/);
    hang = true;
    const dir2 = project(`version: 1\nactions:\n  - name: slow\n    when: {}\n    timeout: 1\n    webhook: { url: "${url}" }\n`);
    const r2 = await runCli(['check', ALERTS, '--apply'], { cwd: dir2, env: env() });
    hang = false;
    status = 200;
    expect(r2.code).toBe(1);
    expect(sarifOf(dir2).properties.secgate.actions[0]).toMatchObject({ name: 'slow', status: 'timeout' });
  });

  it('command: an argv array (no shell), the payload on stdin', async () => {
    const dir = project(`version: 1\nactions:\n  - name: save\n    when: { rules: ["CVE-*"] }\n    command: ["node", "-e", "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{require('fs').writeFileSync(process.argv[1], s)})", "out; touch pwned"]\n`);
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env() });
    expect(r.stderr).toMatch(/✓ action save \(command, 1 finding\): ok/);
    // The last argument is one file name, not shell syntax.
    const written = JSON.parse(readFileSync(join(dir, 'out; touch pwned'), 'utf8'));
    expect(written.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['CVE-2024-6387']);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('command failure and timeout are outcomes, not errors', async () => {
    const dir = project('version: 1\nactions:\n  - name: fails\n    when: {}\n    command: ["node", "-e", "console.error(\'boom\'); process.exit(3)"]\n  - name: hangs\n    when: {}\n    timeout: 1\n    command: ["node", "-e", "setTimeout(()=>{}, 60000)"]\n  - name: missing\n    when: {}\n    command: ["no-such-secgate-command-xyz"]\n');
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    const outcomes = sarifOf(dir).properties.secgate.actions;
    expect(outcomes.map((o: { status: string }) => o.status)).toEqual(['failed', 'timeout', 'failed']);
    expect(outcomes[0].detail).toBe('node: exit 3: boom');
    expect(outcomes[2].detail).toMatch(/not found on PATH|failed to start/);
  });

  it('ansible: ansible-playbook -i inventory playbook -e @vars.json, findings as extra vars', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'secgate-ansible-')), 'calls.jsonl');
    const dir = project(`version: 1\nactions:\n  - name: patch\n    when: { severity: high, kinds: [runtime] }\n    ansible: { playbook: "${join(ROOT, 'fixtures/actions/remediate.yml')}", inventory: "hosts.ini", args: ["--limit", "web"] }\n`);
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env({ FAKE_ANSIBLE_LOG: log }) });
    expect(r.stderr).toMatch(/✓ action patch \(ansible, 1 finding\): ok — ansible-playbook: exit 0: localhost : ok=1 changed=1/);
    const call = JSON.parse(readFileSync(log, 'utf8').trim());
    expect(call.argv.slice(0, 4)).toEqual(['-i', 'hosts.ini', join(ROOT, 'fixtures/actions/remediate.yml'), '-e']);
    expect(call.argv[4]).toMatch(/^@.*secgate-patch-[0-9a-f]{8}\.json$/);
    expect(call.argv.slice(5)).toEqual(['--limit', 'web']);
    expect(call.vars.secgate.findings.map((f: { ruleId: string; package: string }) => [f.ruleId, f.package])).toEqual([['CVE-2024-6387', 'openssh-server@1:8.9p1-3ubuntu0.6']]);
    // The vars file is removed after the run: it holds finding details.
    expect(existsSync(call.argv[4].slice(1))).toBe(false);
  });

  it('ansible failing (hosts failed) is a failed action', async () => {
    const dir = project(`version: 1\nactions:\n  - name: patch\n    when: {}\n    ansible: { playbook: "${join(ROOT, 'fixtures/actions/remediate.yml')}" }\n`);
    const r = await runCli(['check', ALERTS, '--apply'], { cwd: dir, env: env({ FAKE_ANSIBLE_EXIT: '2' }) });
    expect(r.code).toBe(1);
    expect(sarifOf(dir).properties.secgate.actions[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^ansible-playbook: exit 2/) });
  });

  it('the config is checked: an action needs exactly one of command/webhook/ansible', async () => {
    const dir = project('version: 1\nactions:\n  - name: x\n    when: {}\n');
    const r = await runCli(['check', ALERTS], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('actions[0]');
  });
});
