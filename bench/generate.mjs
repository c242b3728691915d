#!/usr/bin/env node
// Makes realistic large scanner reports for the benchmarks, from the shapes of the project's
// own example reports (fixtures/reports), so it works on a fresh clone without ../shared.
//   node bench/generate.mjs [--out bench/out] [--scale 1] [--huge | --huge-only [--huge-count N]] [--huge-sarif [--huge-sarif-count N]]
// Writes grype-100k.json, trivy-100k.json, zap-50k.json, sarif-200k.sarif (sizes × scale);
// --huge also writes grype-huge.json (> 1 GB, past V8's 512 MB string limit), streamed to disk;
// --huge-sarif writes only sarif-huge.sarif (≈1 GB, the sarif-200k shape with 3,200,000 results).
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const out = opt('--out', join(root, 'bench', 'out'));
const scale = Number(opt('--scale', '1'));
const hugeSarif = args.includes('--huge-sarif');
const huge = args.includes('--huge') || args.includes('--huge-only');
const hugeOnly = args.includes('--huge-only') || hugeSarif;
mkdirSync(out, { recursive: true });

const fixture = (f) => JSON.parse(readFileSync(join(root, 'fixtures', 'reports', f), 'utf8'));
const SEV = ['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'];
const ECO = [['npm', 'javascript'], ['apk', ''], ['deb', ''], ['python', 'python'], ['java-archive', 'java'], ['go-module', 'go']];

/** Stream a JSON document: head, items produced one at a time, tail. Memory stays flat. */
async function writeJson(file, head, count, item, tail) {
  const ws = createWriteStream(join(out, file));
  const write = async (s) => {
    if (!ws.write(s)) await once(ws, 'drain');
  };
  await write(head);
  for (let i = 0; i < count; i++) await write((i ? ',\n' : '') + JSON.stringify(item(i)));
  await write(tail);
  ws.end();
  await once(ws, 'finish');
  console.log(`${file}: ${count} items`);
}

function grypeMatch(tpl, i) {
  const m = structuredClone(tpl.matches[i % tpl.matches.length]);
  const [type, language] = ECO[i % ECO.length];
  const pkg = `pkg-${i % 5000}`;
  const version = `${1 + (i % 7)}.${i % 13}.${i % 17}`;
  m.vulnerability.id = `CVE-${2015 + (i % 10)}-${10000 + (i % 90000)}`;
  m.vulnerability.severity = SEV[i % SEV.length];
  m.vulnerability.fix = i % 3 ? { versions: [`${2 + (i % 7)}.0.0`], state: 'fixed' } : { versions: [], state: 'not-fixed' };
  m.vulnerability.description = `Synthetic vulnerability ${i} in ${pkg}: a buffer over-read in the parser allows a remote attacker to crash the process or read memory.`;
  m.artifact = { ...m.artifact, id: `a${i.toString(16)}`, name: pkg, version, type, language, purl: `pkg:${type === 'java-archive' ? 'maven' : type === 'go-module' ? 'golang' : type === 'python' ? 'pypi' : type}/${pkg}@${version}`, locations: [{ path: `/app/${type}/${pkg}/manifest-${i % 50}`, layerID: `sha256:${(i % 9).toString().repeat(64)}` }] };
  return m;
}

function trivyVuln(tpl, i) {
  const v = structuredClone(tpl.Results[1].Vulnerabilities[0]);
  const pkg = `pkg-${i % 5000}`;
  const version = `${1 + (i % 7)}.${i % 13}.${i % 17}`;
  v.VulnerabilityID = `CVE-${2015 + (i % 10)}-${10000 + (i % 90000)}`;
  v.PkgID = `${pkg}@${version}`;
  v.PkgName = pkg;
  v.PkgIdentifier = { PURL: `pkg:npm/${pkg}@${version}` };
  v.InstalledVersion = version;
  v.FixedVersion = i % 3 ? `${2 + (i % 7)}.0.0` : '';
  v.Status = i % 3 ? 'fixed' : 'affected';
  v.Severity = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'][i % 5];
  v.Description = `Synthetic vulnerability ${i} in ${pkg}.`;
  return v;
}

function zapSite(i, instancesPerAlert) {
  const alerts = [];
  for (let a = 0; a < 50; a++) {
    const instances = [];
    for (let k = 0; k < instancesPerAlert; k++) instances.push({ uri: `https://app-${i}.example.test/path/${a}/${k}?q=${k}`, method: k % 2 ? 'POST' : 'GET', param: `p${k % 7}`, attack: '', evidence: '<script>alert(1)</script>', otherinfo: '' });
    alerts.push({
      pluginid: String(10000 + a), alertRef: String(10000 + a), alert: `Synthetic alert ${a}`, name: `Synthetic alert ${a}`,
      riskcode: String(a % 4), confidence: String(1 + (a % 3)), riskdesc: ['Informational', 'Low', 'Medium', 'High'][a % 4] + ' (Medium)',
      desc: '<p>The page includes a <b>synthetic</b> issue.</p>', instances, count: String(instances.length),
      solution: '<p>Fix it.</p>', otherinfo: '', reference: '<p>https://owasp.org/</p>', cweid: String(79 + (a % 10)), wascid: '8', sourceid: '3',
    });
  }
  return { '@name': `https://app-${i}.example.test`, '@host': `app-${i}.example.test`, '@port': '443', '@ssl': 'true', alerts };
}

function sarifResult(i) {
  return {
    ruleId: `rule-${i % 400}`,
    level: ['error', 'warning', 'note'][i % 3],
    message: { text: `Synthetic finding ${i}: user input reaches a sink without sanitisation.` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/module-${i % 2000}/file-${i % 97}.ts` }, region: { startLine: 1 + (i % 900), startColumn: 1 + (i % 40) } } }],
    partialFingerprints: { primaryLocationLineHash: `${(i * 2654435761 >>> 0).toString(16)}:1` },
  };
}

const n = (x) => Math.max(1, Math.round(x * scale));
const grype = fixture('grype.json');
const trivy = fixture('trivy.json');

const grypeHead = (count) => `{"descriptor":{"name":"grype","version":"0.79.3"},"source":${JSON.stringify(grype.source)},"distro":${JSON.stringify(grype.distro)},"matches":[\n`;
if (!hugeOnly) await writeJson('grype-100k.json', grypeHead(), n(100_000), (i) => grypeMatch(grype, i), '\n]}\n');

if (!hugeOnly) await writeJson(
  'trivy-100k.json',
  `{"SchemaVersion":2,"ArtifactName":"example/big:1.0","ArtifactType":"container_image","Metadata":{},"Results":[{"Target":"app/package-lock.json","Class":"lang-pkgs","Type":"npm","Vulnerabilities":[\n`,
  n(100_000),
  (i) => trivyVuln(trivy, i),
  '\n]}]}\n',
);

const zapSites = n(20); // 20 sites × 50 alerts × 50 instances = 50,000 instances
if (!hugeOnly) await writeJson('zap-50k.json', `{"@programName":"ZAP","@version":"2.16.0","@generated":"Mon, 23 Nov 2026 10:00:00","site":[\n`, zapSites, (i) => zapSite(i, 50), '\n]}\n');

const rules = Array.from({ length: 400 }, (_, r) => ({ id: `rule-${r}`, shortDescription: { text: `Synthetic rule ${r}` }, fullDescription: { text: `Synthetic rule ${r}: tainted data flow.` }, help: { text: 'Sanitise the input.' }, properties: { tags: ['security', `external/cwe/cwe-${79 + (r % 20)}`] } }));
const sarifHead = `{"version":"2.1.0","$schema":"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json","runs":[{"tool":{"driver":{"name":"Semgrep OSS","rules":${JSON.stringify(rules)}}},"results":[\n`;
if (!hugeOnly) await writeJson('sarif-200k.sarif', sarifHead, n(200_000), sarifResult, '\n]}]}\n');
// Past the string limit: the results array of one run is the bulk (read lazily, result by result).
if (hugeSarif) await writeJson('sarif-huge.sarif', sarifHead, Number(opt('--huge-sarif-count', '3200000')), sarifResult, '\n]}]}\n');

if (huge) {
  // ~1.1 GB: each match is ~1.24 KB; 900,000 of them.
  // --huge-count N: e.g. 480,000 (~600 MB, past the string limit yet within GitHub's 20 runs × 25,000 results).
  const count = Number(opt('--huge-count', '900000'));
  await writeJson(count === 900_000 ? 'grype-huge.json' : `grype-huge-${count}.json`, grypeHead(), count, (i) => grypeMatch(grype, i), '\n]}\n');
}
