import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

it('secgate report --format compliance renders the compliance view of a check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-comp-cli-'));
  const sarif = join(dir, 's.sarif');
  await runCli(['check', join(ROOT, 'fixtures/wazuh/alerts.json'), '--sarif', sarif]);
  const r = await runCli(['report', '--from', sarif, '--format', 'compliance']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('### PCI DSS');
  expect(r.stdout).toMatch(/\| `11\.5` \| 1 \| medium \| `wazuh` \|/);
});
