import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { correlate } from '../../../src/sarif/correlate.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { lockVersions, withInstalledVersions } from '../../../src/scanners/npm-audit/lockfile.js';

const CROSS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'cross-tool');

// package-lock.json of the cross-tool app, as npm 7+ writes it (lockfileVersion 3: `packages` by path)
const LOCK_V3 = {
  name: 'shop-web', version: '2.0.0', lockfileVersion: 3, requires: true,
  packages: {
    '': { name: 'shop-web', version: '2.0.0', dependencies: { lodash: '^4.17.20', mkdirp: '^0.5.5', semver: '^7.5.0' } },
    'node_modules/lodash': { version: '4.17.20', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz', integrity: 'sha512-x' },
    'node_modules/minimist': { version: '1.2.5', resolved: 'https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz', integrity: 'sha512-y' },
    'node_modules/mkdirp': { version: '0.5.5', dependencies: { minimist: '^1.2.5' } },
    'node_modules/semver': { version: '7.5.1' },
  },
};

describe('installed versions from the lock file for npm audit v2 results', () => {
  it('reads lockfileVersion 3 (packages) and 1 (nested dependencies)', () => {
    expect(lockVersions(LOCK_V3).get('node_modules/semver')).toBe('7.5.1');
    const v1 = { lockfileVersion: 1, dependencies: { mkdirp: { version: '0.5.1', dependencies: { minimist: { version: '0.0.8' } } } } };
    expect([...lockVersions(v1)]).toEqual([['node_modules/mkdirp', '0.5.1'], ['node_modules/mkdirp/node_modules/minimist', '0.0.8']]);
    expect(lockVersions('not a lock').size).toBe(0);
  });

  it('gives each result its version; correlation with Grype and Trivy stays one class per issue', () => {
    const read = (f: string) => parseReport({ path: join(CROSS, f) }, readFileSync(join(CROSS, f), 'utf8'), { unknownSeverity: 'medium' }).runs;
    const npm = read('npm-audit.json');
    withInstalledVersions(npm[0]!, lockVersions(LOCK_V3));
    const results = npm[0]!.results!;
    expect(results.map((r) => r.properties?.['purl'])).toEqual(['pkg:npm/lodash@4.17.20', 'pkg:npm/minimist@1.2.5', 'pkg:npm/semver@7.5.1']);
    expect(results.every((r) => r.properties?.['packageVersionUnknown'] === undefined)).toBe(true);
    const log = mergeRuns([...read('grype.json'), ...read('trivy.json'), ...npm]);
    correlate(log);
    expect(new Set(log.runs.flatMap((run) => run.results!.map((r) => r.correlationGuid))).size).toBe(4);
  });

  it('several installed versions of one package are listed, the purl stays versionless', () => {
    const npm = parseReport({ path: 'a.json' }, JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: { minimist: { name: 'minimist', severity: 'critical', isDirect: false, via: [{ source: 1, name: 'minimist', dependency: 'minimist', title: 'Prototype Pollution', url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h', severity: 'critical', range: '<1.2.6' }], effects: [], range: '<=1.2.5', nodes: ['node_modules/minimist', 'node_modules/mkdirp/node_modules/minimist'], fixAvailable: true } },
      metadata: {},
    }), { unknownSeverity: 'medium' }).runs[0]!;
    withInstalledVersions(npm, new Map([['node_modules/minimist', '1.2.5'], ['node_modules/mkdirp/node_modules/minimist', '0.0.8']]));
    expect(npm.results![0]!.properties).toMatchObject({ purl: 'pkg:npm/minimist', packageVersionUnknown: true, installedVersions: ['0.0.8', '1.2.5'] });
  });
});
