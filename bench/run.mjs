#!/usr/bin/env node
// The benchmarks of issue 7, side by side in one run: each group's commands are run interleaved
// (A, B, A, B, …) after one warm-up each, so load from other work hits both sides alike. Wall time
// is measured here (hrtime around the child); peak RSS comes from /usr/bin/time -f %M.
//
//   npm run bench -- [--runs 5] [--only startup,check,consumers,huge,saf,run] [--out bench/out]
//
// Needs `npm run build` (dist/cli.js) and `node bench/generate.mjs` (bench/out/*; --huge for the
// 1 GB file). The SAF comparison needs `npm install --prefix bench/saf @mitre/saf@1.5.3` (bench only,
// never in package.json) and ../shared/corpus; groups whose inputs are missing are skipped and said so.
// Results: a markdown table on stdout (paste into docs/benchmarks.md) and bench/out/results.json.
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const RUNS = Number(opt('--runs', '5'));
const OUT = opt('--out', join(root, 'bench', 'out'));
const ONLY = new Set((opt('--only', 'startup,check,consumers,saf,run,huge') ?? '').split(','));
// A snapshot of dist/ beside it (so ../rules, ../schema resolve as from dist): a rebuild by someone
// else during the bench would otherwise swap the lazily loaded chunks under a running command.
const SNAPSHOT = join(root, '.bench-dist');
const CORPUS = join(root, '..', 'shared', 'corpus');
const SAF = join(root, 'bench', 'saf', 'node_modules', '.bin', 'saf');
const TIME = '/usr/bin/time';
const work = mkdtempSync(join(tmpdir(), 'secgate-bench-'));
const node = process.execPath;

if (!existsSync(join(root, 'dist', 'cli.js'))) fail('dist/cli.js not found: run `npm run build` first');
rmSync(SNAPSHOT, { recursive: true, force: true });
cpSync(join(root, 'dist'), SNAPSHOT, { recursive: true });
const CLI = join(SNAPSHOT, 'cli.js');
if (!existsSync(TIME)) fail(`${TIME} not found (GNU time, for peak RSS): apt-get install -y time`);

/** One run of a command: wall ms (hrtime), peak RSS in MB, exit code. */
function once(cmd, { env, cwd, ok = [0] } = {}) {
  const rssFile = join(work, 'rss');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M', '-o', rssFile, ...cmd], { cwd: cwd ?? work, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const code = r.status ?? -1;
  if (!ok.includes(code)) {
    const err = String(r.stderr ?? '').trim().split('\n').filter((l) => !/^Command exited/.test(l)).slice(-3).join(' | ');
    return { ms, rssMb: Number.NaN, code, error: err || `exit ${code}` };
  }
  const rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { ms, rssMb: rssKb / 1024, code };
}

/** Commands of one group, interleaved: 1 warm-up each (unless warmup: false), then `runs` rounds. */
function group(title, commands, { runs = RUNS, warmup = true } = {}) {
  console.error(`# ${title}`);
  const samples = commands.map(() => []);
  for (let round = warmup ? -1 : 0; round < runs; round++) {
    commands.forEach((c, i) => {
      const s = once(c.cmd, c);
      if (round >= 0) samples[i].push(s);
      console.error(`  ${round < 0 ? 'warm-up' : `run ${round + 1}`}: ${c.name}: ${s.ms.toFixed(0)} ms, ${s.rssMb.toFixed(0)} MB${s.error ? ` — FAILED: ${s.error}` : ''}`);
    });
  }
  return commands.map((c, i) => ({ name: c.name, input: c.input, inputMb: c.inputMb, ...stats(samples[i]) }));
}

function stats(xs) {
  const med = (a) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const good = xs.filter((x) => !x.error);
  return {
    runs: xs.length,
    code: xs[0]?.code,
    failed: xs.length - good.length,
    error: xs.find((x) => x.error)?.error,
    medianMs: good.length ? med(good.map((x) => x.ms)) : Number.NaN,
    minMs: Math.min(...good.map((x) => x.ms)),
    maxMs: Math.max(...good.map((x) => x.ms)),
    medianRssMb: good.length ? med(good.map((x) => x.rssMb)) : Number.NaN,
    maxRssMb: Math.max(...good.map((x) => x.rssMb)),
  };
}

const mb = (f) => statSync(f).size / 2 ** 20;
const secgate = (...a) => [node, CLI, ...a];
const floorCmd = (f) => [node, '-e', 'const fs=require("fs");JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],"utf8")))', f];
const results = { date: new Date().toISOString(), machine: machine(), groups: {} };
const lines = [];
const say = (s = '') => lines.push(s);

// 1. Cold start.
if (ONLY.has('startup')) {
  const [sg, bare] = group('cold start', [
    { name: 'secgate --version', cmd: secgate('--version') },
    { name: 'node -e 0', cmd: [node, '-e', '0'] },
  ], { runs: Math.max(RUNS, 10) });
  results.groups.startup = { secgate: sg, node: bare, ratio: sg.medianMs / bare.medianMs, target: 1.5 };
  say('### Cold start');
  say();
  say('| command | median | min … max | ratio | target |');
  say('| --- | ---: | ---: | ---: | ---: |');
  say(`| \`secgate --version\` | ${ms(sg.medianMs)} | ${ms(sg.minMs)} … ${ms(sg.maxMs)} | **${(sg.medianMs / bare.medianMs).toFixed(2)}×** | ≤ 1.5× ${verdict(sg.medianMs / bare.medianMs <= 1.5)} |`);
  say(`| \`node -e 0\` | ${ms(bare.medianMs)} | ${ms(bare.minMs)} … ${ms(bare.maxMs)} | 1 | |`);
  say();
}

// 2. check on each large input vs the floor in Node (parse + stringify the same file).
if (ONLY.has('check')) {
  const inputs = ['grype-100k.json', 'trivy-100k.json', 'zap-50k.json', 'sarif-200k.sarif'].map((f) => join(OUT, f)).filter((f) => existsSync(f));
  if (!inputs.length) say(`(check: no inputs in ${OUT}: run \`node bench/generate.mjs\`)\n`);
  else {
    say('### `secgate check` on large inputs vs `JSON.stringify(JSON.parse(readFileSync(f)))`');
    say();
    say('| input | size | secgate check | floor | ratio (≤ 2.5×) | check peak RSS | RSS / input (≤ 4×) | floor peak RSS | SARIF written | floor on the SARIF written | check / that |');
    say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    results.groups.check = [];
    for (const f of inputs) {
      const name = f.split('/').pop();
      const [sg, floor] = group(`check ${name}`, [
        { name: 'secgate check', cmd: secgate('check', f, '--sarif', join(work, `${name}.sarif`), '-q'), ok: [0, 1], input: name, inputMb: mb(f) },
        { name: 'floor', cmd: floorCmd(f), input: name, inputMb: mb(f) },
      ]);
      const ratio = sg.medianMs / floor.medianMs;
      const rssRatio = sg.medianRssMb / mb(f);
      const outputMb = existsSync(join(work, `${name}.sarif`)) ? mb(join(work, `${name}.sarif`)) : undefined;
      // The same floor on what secgate wrote: where the SARIF log is several times the input (ZAP: one
      // result per instance), re-printing the output alone costs more than the input floor.
      const outFile = join(work, `${name}.out.sarif`);
      if (outputMb !== undefined) cpSync(join(work, `${name}.sarif`), outFile);
      const [outFloor] = outputMb === undefined ? [undefined] : group(`output floor ${name}`, [{ name: 'floor on the output', cmd: floorCmd(outFile) }]);
      results.groups.check.push({ input: name, inputMb: mb(f), secgate: sg, floor, ratio, rssRatio, outputMb, outputFloor: outFloor });
      say(`| ${name} | ${mb(f).toFixed(0)} MB | ${sg.failed ? `FAILED (${sg.error})` : `${ms(sg.medianMs)} (${ms(sg.minMs)} … ${ms(sg.maxMs)})`} | ${ms(floor.medianMs)} | **${ratio.toFixed(2)}×** ${verdict(ratio <= 2.5)} | ${sg.medianRssMb.toFixed(0)} MB | ${rssRatio.toFixed(1)}× ${verdict(rssRatio <= 4)} | ${floor.medianRssMb.toFixed(0)} MB (${(floor.medianRssMb / mb(f)).toFixed(1)}×) | ${outputMb === undefined ? '—' : `${outputMb.toFixed(0)} MB`} | ${outFloor ? ms(outFloor.medianMs) : '—'} | ${outFloor ? `${(sg.medianMs / outFloor.medianMs).toFixed(2)}×` : '—'} |`);
    }
    say();
  }
}

// 2b. What a pipeline asks of check besides the verdict, on a spooled input: GitHub Actions (annotations,
// job summary, outputs), a --baseline (the input's own log: every finding matched), the per-finding
// reports GitLab reads (codequality, junit) and html, and --history. Each should cost about what the
// spooled gate alone costs in memory: the log is walked, not read back whole.
if (ONLY.has('consumers')) {
  const inputs = ['sarif-200k.sarif', 'grype-100k.json'].filter((n) => existsSync(join(OUT, n)));
  if (!inputs.length) say(`(consumers: no inputs in ${OUT}: run \`node bench/generate.mjs\`)\n`);
  else {
    say('### `secgate check` on a spooled input with what a pipeline asks besides the verdict');
    say();
    say('| input | plain | GitHub Actions | --baseline (its own log) | --report codequality, junit, html | --history |');
    say('| --- | ---: | ---: | ---: | ---: | ---: |');
    results.groups.consumers = [];
    for (const name of inputs) {
      const f = join(OUT, name);
      const dir = join(work, `consumers-${name}`);
      mkdirSync(dir, { recursive: true });
      const base = join(dir, 'base.sarif');
      spawnSync(node, [CLI, 'check', f, '--sarif', base, '-q'], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
      const out = join(dir, 'out.sarif');
      const env = { ...process.env, NO_COLOR: '1' };
      delete env.GITHUB_ACTIONS;
      const ga = { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_OUTPUT: join(dir, 'outputs.txt'), GITHUB_WORKSPACE: dir };
      const variants = [
        { name: 'plain', cmd: secgate('check', f, '--sarif', out, '-q'), env },
        { name: 'GitHub Actions', cmd: secgate('check', f, '--sarif', out, '-q'), env: ga },
        { name: '--baseline', cmd: secgate('check', f, '--sarif', out, '-q', '--baseline', base), env },
        { name: 'reports', cmd: secgate('check', f, '--sarif', out, '-q', '--report', `codequality:${join(dir, 'cq.json')}`, '--report', `junit:${join(dir, 'junit.xml')}`, '--report', `html:${join(dir, 'r.html')}`), env },
        { name: '--history', cmd: secgate('check', f, '--sarif', out, '-q', '--history', join(dir, 'history.jsonl')), env },
      ].map((v) => ({ ...v, cwd: dir, ok: [0, 1] }));
      const measured = group(`consumers ${name}`, variants, { runs: Math.min(RUNS, 3) });
      results.groups.consumers.push({ input: name, inputMb: mb(f), variants: measured });
      say(`| ${name} (${mb(f).toFixed(0)} MB) | ${measured.map((m) => (m.failed ? `FAILED (${m.error})` : `${ms(m.medianMs)}, ${m.medianRssMb.toFixed(0)} MB`)).join(' | ')} |`);
    }
    say();
  }
}

// 3. Beyond V8's 512 MB string limit: one run (it takes minutes), peak RSS against the input size.
if (ONLY.has('huge')) {
  const files = readdirSync(OUT).filter((f) => /^(grype|sarif)-huge.*\.(json|sarif)$/.test(f)).sort();
  if (!files.length) say(`(huge: no grype-huge*.json / sarif-huge*.sarif in ${OUT}: run \`node bench/generate.mjs --huge\` / \`--huge-sarif\`)\n`);
  else {
    say('### Inputs beyond the 512 MB string limit (streamed; one run each)');
    say();
    say('| input | size | secgate check | exit | peak RSS | RSS / input |');
    say('| --- | ---: | ---: | ---: | ---: | ---: |');
    results.groups.huge = [];
    for (const name of files) {
      const f = join(OUT, name);
      // Exit 2 is recorded, not hidden: over 20 × 25,000 results GitHub's run limit refuses the log.
      const [sg] = group(`check ${name}`, [{ name: 'secgate check', cmd: secgate('check', f, '--sarif', join(work, 'huge.sarif'), '-q'), ok: [0, 1, 2] }], { runs: 1, warmup: false });
      results.groups.huge.push({ input: name, inputMb: mb(f), secgate: sg });
      say(`| ${name} | ${mb(f).toFixed(0)} MB | ${ms(sg.medianMs)} | ${sg.code ?? ''} | ${sg.medianRssMb.toFixed(0)} MB | ${(sg.medianRssMb / mb(f)).toFixed(2)}× |`);
    }
    say();
  }
}

// 4. MITRE SAF CLI converting the same corpus files (to HDF) vs secgate check (to SARIF + verdict).
if (ONLY.has('saf')) {
  if (!existsSync(SAF)) say('(saf: not installed: `npm install --prefix bench/saf @mitre/saf@1.5.3`)\n');
  else if (!existsSync(CORPUS)) say(`(saf: ${CORPUS} not found)\n`);
  else {
    const zapSite = (f) => JSON.parse(readFileSync(f, 'utf8')).site?.[0]?.['@name'] ?? 'site';
    const cases = [
      ['grype/mitre/anchore_grype.json', (f, o) => ['anchoregrype2hdf', '-i', f, '-o', o]],
      ['grype/mitre/amazon.json', (f, o) => ['anchoregrype2hdf', '-i', f, '-o', o]],
      ['zap/mitre/webgoat.json', (f, o) => ['zap2hdf', '-i', f, '-n', zapSite(f), '-o', o]],
      ['zap/mitre/zero.webappsecurity.json', (f, o) => ['zap2hdf', '-i', f, '-n', zapSite(f), '-o', o]],
      ['sarif/mitre/sarif_input.sarif', (f, o) => ['sarif2hdf', '-i', f, '-o', o]],
      ['trivy/mitre/trivy-image_golang-1.12-alpine_sample.json', (f, o) => ['trivy2hdf', '-i', f, '-o', o]],
    ].filter(([rel]) => existsSync(join(CORPUS, rel)));
    say('### `secgate check` vs MITRE SAF CLI 1.5.3 (`saf convert …2hdf`) on the same corpus files');
    say();
    say('| corpus file | secgate check | saf convert | saf / secgate |');
    say('| --- | ---: | ---: | ---: |');
    results.groups.saf = [];
    for (const [rel, safArgs] of cases) {
      const f = join(CORPUS, rel);
      const out = join(work, `saf-${rel.replace(/\W/g, '_')}`);
      const [sg, saf] = group(`saf ${rel}`, [
        { name: 'secgate check', cmd: secgate('check', f, '--sarif', join(work, 'saf-cmp.sarif'), '-q'), ok: [0, 1] },
        { name: `saf convert ${safArgs(f, out)[0]}`, cmd: [SAF, 'convert', ...safArgs(f, out)] },
      ]);
      results.groups.saf.push({ input: rel, secgate: sg, saf, ratio: saf.medianMs / sg.medianMs });
      say(`| ${rel} | ${sg.failed ? 'FAILED' : ms(sg.medianMs)} | ${saf.failed ? `FAILED (${saf.error})` : `${ms(saf.medianMs)} (\`${safArgs(f, out)[0]}\`)`} | **${(saf.medianMs / sg.medianMs).toFixed(2)}×** |`);
    }
    say();
  }
}

// 5. secgate run: three fake scanners (fixtures/bin) of 2 s each, in parallel.
if (ONLY.has('run')) {
  const dir = join(work, 'run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'secgate.yml'), 'scanners:\n  grype: { target: "dir:." }\n  trivy: { target: ".", mode: fs }\n  npm-audit: { dir: "." }\n');
  writeFileSync(join(dir, 'package.json'), '{"name":"bench-app","version":"1.0.0"}\n');
  writeFileSync(join(dir, 'package-lock.json'), '{"name":"bench-app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"bench-app","version":"1.0.0"}}}\n');
  const env = { ...process.env, PATH: `${join(root, 'fixtures', 'bin')}:${process.env.PATH}`, FAKE_SLEEP: '2', NO_COLOR: '1' };
  delete env.GITHUB_ACTIONS;
  // The floor beside it: one fake alone (node's start + its 2 s), what secgate's own start and gate add to.
  const [sg, alone] = group('run with three 2 s scanners', [
    { name: 'secgate run', cmd: secgate('run', '--sarif', join(dir, 'out.sarif'), '-q'), env, cwd: dir, ok: [0, 1] },
    { name: 'one fake scanner alone', cmd: [node, join(root, 'fixtures', 'bin', 'grype'), 'dir:.', '-o', 'json', '--file', join(dir, 'alone.json')], env, cwd: dir },
  ]);
  results.groups.run = { secgate: sg, alone, target: 2300 };
  say('### `secgate run` with three fake scanners of 2 s each (grype, trivy, npm audit)');
  say();
  say('| command | median | min … max | target |');
  say('| --- | ---: | ---: | ---: |');
  say(`| \`secgate run\` | ${sg.failed ? `FAILED (${sg.error})` : ms(sg.medianMs)} | ${ms(sg.minMs)} … ${ms(sg.maxMs)} | ≤ 2.3 s ${verdict(sg.medianMs <= 2300)} |`);
  say(`| one fake scanner alone (floor) | ${alone.failed ? `FAILED (${alone.error})` : ms(alone.medianMs)} | ${ms(alone.minMs)} … ${ms(alone.maxMs)} | |`);
  say();
}

results.machine.loadAfter = loadavg().map((l) => l.toFixed(2)).join(' ');
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
rmSync(SNAPSHOT, { recursive: true, force: true });
const m = results.machine;
console.log(`Machine: ${m.cpus} × ${m.cpu}, ${m.memGb} GiB, Node ${m.node}; secgate ${m.commit}; ${RUNS} runs per command (median), load average ${m.loadBefore} before, ${m.loadAfter} after.\n`);
console.log(lines.join('\n'));

function ms(x) {
  return Number.isFinite(x) ? (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`) : '—';
}
function verdict(ok) {
  return ok ? '✓' : '✗';
}
function machine() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', memGb: (totalmem() / 2 ** 30).toFixed(0), node: process.version, commit, loadBefore: loadavg().map((l) => l.toFixed(2)).join(' ') };
}
function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}
