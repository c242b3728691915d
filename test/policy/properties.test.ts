import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Run } from 'sarif';
import { gate } from '../../src/pipeline.js';
import { isSecgateError } from '../../src/errors.js';
import { parseTrivyIgnore } from '../../src/policy/ignore-files/trivyignore.js';
import { parseTrivyIgnoreYaml } from '../../src/policy/ignore-files/trivyignore-yaml.js';
import { parseGrypeIgnore } from '../../src/policy/ignore-files/grype-yaml.js';
import { parseZapRules } from '../../src/policy/ignore-files/zap-rules.js';
import { parseVex } from '../../src/policy/vex.js';
import { goSumPackages, npmLockPackages, parseUnifiedDiff } from '../../src/policy/diff-base.js';
import { eachResult, isSuppressed } from '../../src/sarif/props.js';
import { SEVERITIES } from '../../src/sarif/severity.js';
import { config, NOW, vulnRun, type Vuln } from './build.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const RUNS = fuzzRuns(150);

const IDS = ['CVE-2021-44228', 'CVE-2022-0001', 'CVE-2023-0002', 'GHSA-aaaa-bbbb-cccc'];
const PKGS = ['lodash', 'minimist', 'express'];
const vuln = fc.record({
  id: fc.constantFrom(...IDS),
  pkg: fc.constantFrom(...PKGS),
  version: fc.constantFrom('1.0.0', '2.0.0'),
  severity: fc.constantFrom(...SEVERITIES),
  fixed: fc.option(fc.constant(['9.9.9']), { nil: undefined }),
}) as fc.Arbitrary<Vuln>;
const runs = fc.tuple(fc.array(vuln, { maxLength: 8 }), fc.array(vuln, { maxLength: 8 })).map(([a, b]) => [vulnRun('grype', 'container', a), vulnRun('trivy', 'container', b)]);
// Days relative to NOW: negative ones are in the past (expired).
const waiver = fc.record({ id: fc.constantFrom(...IDS, 'CVE-1999-*'), pkg: fc.option(fc.constantFrom(...PKGS), { nil: undefined }), days: fc.integer({ min: -30, max: 60 }) });
const yamlOf = (ws: { id: string; pkg: string | undefined; days: number }[], rules = '[ { severity: high } ]') =>
  `policy: { fail_on: ${rules} }\nwaivers:\n${ws.map((w) => `  - { id: "${w.id}", ${w.pkg ? `package: "pkg:npm/${w.pkg}@*", ` : ''}reason: r, expires: ${day(w.days)} }`).join('\n') || '  []'}\n`.replace('waivers:\n  []', 'waivers: []');
const day = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString().slice(0, 10);
const clone = (rs: Run[]) => structuredClone(rs);

describe('policy invariants on generated scenarios', () => {
  it('a suppressed finding never counts, and every counted class has an unsuppressed matching member', () => {
    fc.assert(
      fc.property(runs, fc.array(waiver, { maxLength: 4 }), (rs, ws) => {
        const { log, verdict } = gate({ runs: clone(rs), config: config(yamlOf(ws)), now: NOW });
        const open = new Set<string>();
        for (const { result } of eachResult(log)) {
          const sev = (result.properties as { severity: string }).severity;
          if (!isSuppressed(result) && (sev === 'high' || sev === 'critical')) open.add(result.correlationGuid!);
        }
        expect(verdict.reasons[0]?.count ?? 0).toBe(open.size);
        expect(verdict.status).toBe(open.size ? 'fail' : 'pass');
      }),
      { numRuns: RUNS },
    );
  });

  it('an expired waiver never suppresses', () => {
    fc.assert(
      fc.property(runs, fc.array(waiver, { maxLength: 4 }), (rs, ws) => {
        const { log, verdict } = gate({ runs: clone(rs), config: config(yamlOf(ws)), now: NOW });
        const expired = new Set(verdict.waivers!.filter((w) => w.state === 'expired').map((w) => w.origin));
        for (const { result } of eachResult(log)) {
          for (const s of result.suppressions ?? []) expect(expired.has(String(s.properties?.['origin']))).toBe(false);
        }
        // and it is reported
        for (const w of verdict.waivers!) if (w.state === 'expired') expect(verdict.warnings.some((x) => x.code === 'waiver-expired' && x.rule === w.origin)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('adding a finding never turns fail into pass', () => {
    fc.assert(
      fc.property(runs, fc.array(waiver, { maxLength: 3 }), vuln, fc.integer({ min: 0, max: 3 }), (rs, ws, extra, max) => {
        const y = yamlOf(ws, `[ { severity: medium, max: ${max} } ]`);
        const before = gate({ runs: clone(rs), config: config(y), now: NOW }).verdict.status;
        // the same runs with one more Grype finding appended
        const more = clone(rs);
        more[0]!.results = [...(more[0]!.results ?? []), ...(vulnRun('grype', 'container', [extra]).results ?? [])];
        const after = gate({ runs: more, config: config(y), now: NOW }).verdict.status;
        if (before === 'fail') expect(after).toBe('fail');
      }),
      { numRuns: RUNS },
    );
  });

  it('the same inputs give the same bytes', () => {
    fc.assert(
      fc.property(runs, fc.array(waiver, { maxLength: 3 }), (rs, ws) => {
        const a = gate({ runs: clone(rs), config: config(yamlOf(ws)), now: NOW }).log;
        const b = gate({ runs: clone(rs), config: config(yamlOf(ws)), now: NOW }).log;
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe('parsers: a typed error or a valid result, never a crash', () => {
  const text = fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.constantFrom('CVE-1', 'exp:2026-01-01', 'exp:x', '\t', 'IGNORE', 'OUTOFSCOPE', '(', '*', '#', '\n', ' ', 'ignore:', '- ', 'vulnerabilities:', 'id: a', 'paths: [x]', 'purls: ["pkg:npm/a"]', 'expired_at: 2020-01-01', '@@ -1 +2,3 @@', '+++ b/x', '+++ "b/\\303'), { maxLength: 40 }).map((xs) => xs.join('')));
  it.each([
    ['.trivyignore', parseTrivyIgnore],
    ['.trivyignore.yaml', parseTrivyIgnoreYaml],
    ['.grype.yaml', parseGrypeIgnore],
    ['ZAP rules', parseZapRules],
  ] as const)('%s', (_name, parse) => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parse(t);
        expect(Array.isArray(r.waivers) && Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('git diff and package-lock.json readers', () => {
    fc.assert(fc.property(text, (t) => void parseUnifiedDiff(t)), { numRuns: RUNS });
    fc.assert(fc.property(fc.oneof(text, fc.json()), (t) => void npmLockPackages(t)), { numRuns: RUNS });
    fc.assert(fc.property(text, (t) => void goSumPackages(t)), { numRuns: RUNS });
  });

  it('VEX documents', () => {
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record({ '@context': fc.constant('https://openvex.dev/ns/v0.2.0'), statements: fc.array(fc.record({ vulnerability: fc.oneof(fc.string(), fc.record({ name: fc.string() }), fc.jsonValue()), products: fc.jsonValue(), status: fc.oneof(fc.constantFrom('not_affected', 'affected', 'fixed'), fc.jsonValue()) }, { requiredKeys: [] })) }),
      fc.record({ bomFormat: fc.constant('CycloneDX'), components: fc.jsonValue(), vulnerabilities: fc.array(fc.record({ id: fc.jsonValue(), analysis: fc.jsonValue(), affects: fc.jsonValue() }, { requiredKeys: [] })) }),
    );
    fc.assert(
      fc.property(doc, (d) => {
        try {
          const r = parseVex(d, 'v.json');
          expect(Array.isArray(r.statements)).toBe(true);
        } catch (e) {
          expect(isSecgateError(e)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
