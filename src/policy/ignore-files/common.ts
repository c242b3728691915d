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
