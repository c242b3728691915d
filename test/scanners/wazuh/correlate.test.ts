import { describe, expect, it } from 'vitest';
import { gate } from '../../../src/pipeline.js';
import { parseConfig } from '../../../src/config/load.js';
import { grypeJson } from '../../../src/scanners/grype/json.js';
import { wazuhIndexerStates } from '../../../src/scanners/wazuh/indexer-states.js';

const ctx = (category: string) => ({ file: `${category}.json`, category, unknownSeverity: 'medium' as const });

describe('Wazuh vulnerability states meet Grype findings in correlation', () => {
  it('the same CVE in the same Ubuntu package is one issue; another package is another', () => {
    // Grype on the host's image: openssh-server with Syft's deb purl (epoch percent-encoded, qualifiers).
    const grype = grypeJson.toRuns({
      descriptor: { name: 'grype', version: '0.80.0' },
      source: { type: 'image', target: { userInput: 'web:1' } },
      matches: [
        {
          vulnerability: { id: 'CVE-2024-6387', severity: 'High', fix: { versions: ['1:8.9p1-3ubuntu0.10'], state: 'fixed' } },
          artifact: { name: 'openssh-server', version: '1:8.9p1-3ubuntu0.6', type: 'deb', purl: 'pkg:deb/ubuntu/openssh-server@1%3A8.9p1-3ubuntu0.6?arch=amd64&distro=ubuntu-22.04', locations: [{ path: '/var/lib/dpkg/status' }] },
        },
      ],
    }, ctx('grype'));
    const hit = (pkg: string) => ({
      _index: 'wazuh-states-vulnerabilities-wazuh',
      _source: {
        agent: { id: '001', name: 'web-01' },
        host: { os: { platform: 'ubuntu', full: 'Ubuntu 22.04.4 LTS' } },
        package: { name: pkg, version: '1:8.9p1-3ubuntu0.6', type: 'deb', architecture: 'amd64' },
        vulnerability: { id: 'CVE-2024-6387', severity: 'High', score: { base: 8.1, version: '3.1' } },
      },
    });
    const wazuh = wazuhIndexerStates.toRuns({ hits: { hits: [hit('openssh-server'), hit('openssh-client')] } }, ctx('wazuh'));
    const { verdict, log } = gate({ runs: [...grype, ...wazuh], config: parseConfig('version: 1\n', 'secgate.yml'), now: new Date('2026-11-23T12:00:00Z') });
    const guids = log.runs.flatMap((r) => (r.results ?? []).map((x) => `${r.tool.driver.name}:${(x.properties as { packageName: string }).packageName}:${x.correlationGuid}`));
    const byPkg = (tool: string, pkg: string) => guids.find((g) => g.startsWith(`${tool}:${pkg}:`))!.split(':').pop();
    expect(byPkg('grype', 'openssh-server')).toBe(byPkg('wazuh', 'openssh-server'));
    expect(byPkg('wazuh', 'openssh-client')).not.toBe(byPkg('wazuh', 'openssh-server'));
    expect(verdict.summary.distinctTotal).toBe(2);
  });
});
