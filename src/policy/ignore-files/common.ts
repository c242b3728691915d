import { parse } from 'yaml';
import type { Waiver } from '../waivers.js';

/** What every ignore-file reader returns: the waivers, and the lines the tool itself would skip. */
export interface IgnoreFileResult {
  waivers: Waiver[];
  problems: string[];
}

/** YAML → value, or the one-line problem (a scanner's broken ignore file warns; it never crashes the gate). */
export function readYaml(text: string, file: string): { doc: unknown } | { problem: string } {
  try {
    return { doc: parse(text, { logLevel: 'error' }) };
  } catch (e) {
    return { problem: `${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Ids in ignore files are literal, not globs. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

/** YYYY-MM-DD → midnight UTC of that day; undefined for anything else, 2027-02-30 included (no roll-over). */
export function parseDay(s: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? d : undefined;
}
