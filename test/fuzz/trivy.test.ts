import fc from 'fast-check';
import { describe, it } from 'vitest';
import { trivyJson } from '../../src/scanners/trivy/json.js';
import { FUZZ_RUNS, checkAdapter, mutate, mutationArb, seeds } from './mutate.js';

const docs = seeds(['trivy.json', 'variants/trivy-k8s-all.json', 'variants/trivy-k8s-summary.json', 'variants/trivy-k8s-legacy.json', 'variants/trivy-fs-no-schema.json'], 'trivy', (rel) => (rel.endsWith('.json') || rel.endsWith('.golden')) && !rel.startsWith('trivy/mitre/'));

describe('trivy adapter under mutated reports', () => {
  it.each(docs.map((d) => [d.name, d.doc] as const))('%s: a typed error or runs that validate, never a crash', (_name, doc) => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => checkAdapter(trivyJson, mutate(doc, ms))),
      { numRuns: Math.ceil(FUZZ_RUNS / docs.length) + 20 },
    );
  });

  it('random JSON: a typed error or runs that validate', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => checkAdapter(trivyJson, doc)), { numRuns: FUZZ_RUNS });
    const finding = fc.dictionary(fc.constantFrom('VulnerabilityID', 'PkgName', 'Severity', 'ID', 'Status', 'RuleID', 'Name', 'CVSS', 'FixedVersion', 'Type', 'Finding'), fc.jsonValue(), { maxKeys: 6 });
    const result = fc.record({ Target: fc.jsonValue(), Vulnerabilities: fc.array(finding, { maxLength: 2 }), Misconfigurations: fc.array(finding, { maxLength: 2 }), Secrets: fc.array(finding, { maxLength: 2 }), Licenses: fc.array(finding, { maxLength: 2 }), ExperimentalModifiedFindings: fc.array(finding, { maxLength: 2 }) }, { requiredKeys: [] });
    fc.assert(fc.property(fc.record({ SchemaVersion: fc.constant(2), ArtifactName: fc.jsonValue(), Results: fc.array(result, { maxLength: 3 }) }), (doc) => checkAdapter(trivyJson, doc)), { numRuns: FUZZ_RUNS });
    fc.assert(fc.property(fc.record({ ClusterName: fc.string(), Resources: fc.array(fc.record({ Namespace: fc.jsonValue(), Kind: fc.jsonValue(), Name: fc.jsonValue(), Results: fc.array(result, { maxLength: 2 }) }), { maxLength: 2 }) }), (doc) => checkAdapter(trivyJson, doc)), { numRuns: FUZZ_RUNS });
  });
});
