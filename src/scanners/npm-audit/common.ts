import { RunBuilder } from '../../sarif/builder.js';
import type { ToolKind } from '../../sarif/props.js';
import type { AdapterContext } from '../types.js';

/** The file a reader acts on for an npm dependency finding: npm audit reads the lock file. */
export const LOCK_FILE = 'package-lock.json';

const GHSA = /\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/i;
const CVE = /^CVE-\d{4}-\d{4,}$/i;

export function npmAuditBuilder(ctx: AdapterContext, format: string): RunBuilder {
  const kind: ToolKind = 'sca';
  return new RunBuilder(
    { name: 'npm audit', informationUri: 'https://docs.npmjs.com/cli/commands/npm-audit', organization: 'npm' },
    kind,
    ctx,
    format,
  );
}

/** The GitHub advisory id in an advisory URL (https://github.com/advisories/GHSA-…), upper-cased as GitHub writes it. */
export function ghsaFrom(url: string | undefined): string | undefined {
  const m = url ? GHSA.exec(url) : null;
  return m ? normaliseGhsa(m[1]!) : undefined;
}

/** GHSA ids are "GHSA-" + lower-case groups; scanners differ in case, so write them one way. */
export function normaliseGhsa(id: string): string {
  return `GHSA-${id.slice(5).toLowerCase()}`;
}

export function isCve(id: string): boolean {
  return CVE.test(id);
}

/**
 * CWE ids from an advisory's `cwe`: npm 7+ writes an array, npm 6 a string that is either one
 * id ("CWE-94") or a JSON-encoded array ("[\"CWE-269\"]"), or null.
 */
export function cweList(x: unknown): string[] {
  let v: unknown = x;
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      v = JSON.parse(v);
    } catch {
      v = (v as string).replace(/[[\]"]/g, '').split(',');
    }
  }
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return [...new Set(items.filter((c): c is string => typeof c === 'string').map((c) => /^\s*CWE-(\d+)\s*$/i.exec(c)?.[1]).filter((n): n is string => !!n).map((n) => `CWE-${n}`))];
}

export function cweTagsOf(cwes: string[]): string[] {
  return cwes.flatMap((c) => {
    const n = c.slice(4);
    return [`CWE-${n}`, `external/cwe/cwe-${n}`];
  });
}
