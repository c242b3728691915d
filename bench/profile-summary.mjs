#!/usr/bin/env node
// Summarise a V8 .cpuprofile (node --cpu-prof): self time per function, and total (inclusive) time
// for the functions that matter, so a profile can be read without a browser.
//   node bench/profile-summary.mjs PROFILE.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
const top = Number(rest[rest.indexOf('--top') + 1]) || 30;
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(?:\.bench-dist|\.?dist[^/]*)\//, 'dist/').replace(/^.*\/node_modules\//, 'node_modules/')}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const total = new Map();
let all = 0;
for (const [id, us] of dt) {
  all += us;
  const n = byId.get(id);
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
  // Inclusive: every distinct frame on the stack gets the sample once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + us);
  }
}
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`total sampled: ${ms(all)}\n\nself time:`);
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${l}`);
console.log('\ninclusive time (secgate code):');
for (const [l, us] of [...total].filter(([l]) => / dist\//.test(l)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${l}`);
