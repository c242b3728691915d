#!/usr/bin/env node
// Compare two SARIF logs as data (layout-insensitive): exit 0 if equal, else print the first difference.
//   node bench/same-sarif.mjs A.sarif B.sarif   (a performance change must keep the data: compare before/after logs)
import { readFileSync } from 'node:fs';
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const norm = (log) => JSON.stringify(log);
if (norm(a) === norm(b)) { console.log('same'); process.exit(0); }
function diff(x, y, path) {
  if (typeof x !== typeof y || Array.isArray(x) !== Array.isArray(y) || x === null || y === null || typeof x !== 'object') {
    if (JSON.stringify(x) !== JSON.stringify(y)) { console.log(`differ at ${path}:\n  A: ${JSON.stringify(x)?.slice(0, 400)}\n  B: ${JSON.stringify(y)?.slice(0, 400)}`); return true; }
    return false;
  }
  const keys = Array.isArray(x) ? [...Array(Math.max(x.length, y.length)).keys()] : [...new Set([...Object.keys(x), ...Object.keys(y)])];
  if (!Array.isArray(x) && JSON.stringify(Object.keys(x)) !== JSON.stringify(Object.keys(y))) console.log(`key order/set differs at ${path}: ${Object.keys(x)} | ${Object.keys(y)}`);
  for (const k of keys) if (diff(x[k], y[k], `${path}/${k}`)) return true;
  return false;
}
if (!diff(a, b, '')) console.log('same data, different key order');
process.exit(1);
