import { readFileSync } from 'node:fs';

export interface OwaspCategory {
  id: string;
  name: string;
  cwes: number[];
}
export interface Top25Entry {
  rank: number;
  cwe: number;
  name: string;
}

// rules/ ships with the package ("files" in package.json); read once, relative to this module
// (src/compliance in development, dist/ when bundled — both two levels or one below the root).
function readRules<T>(name: string): T {
  for (const rel of [`../../rules/${name}`, `../rules/${name}`]) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as T;
    } catch {
      /* try the next layout */
    }
  }
  throw new Error(`rules/${name} not found beside secgate`);
}

let owasp: OwaspCategory[] | undefined;
let top25: Top25Entry[] | undefined;

export function owaspTop10(): OwaspCategory[] {
  return (owasp ??= readRules<{ categories: OwaspCategory[] }>('owasp-top10-2021.json').categories);
}

export function cweTop25(): Top25Entry[] {
  return (top25 ??= readRules<{ entries: Top25Entry[] }>('cwe-top25.json').entries);
}
