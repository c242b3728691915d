import type { Waiver } from '../waivers.js';
import { escapeGlob, parseDay, type IgnoreFileResult } from './common.js';

export const TRIVYIGNORE = '.trivyignore';

/**
 * Trivy's .trivyignore: one id per line (vulnerability, misconfiguration, secret rule or licence;
 * Trivy applies each to every scanner), `#` comments, optional `exp:YYYY-MM-DD` after the id.
 * Trivy drops an entry once its expiry date has begun (ExpiredAt.Before(now)), and skips a line
 * whose exp: is not a date; both are kept here: the date as the waiver's end, the bad line as
 * an error the caller reports.
 */
export function parseTrivyIgnore(text: string, file = TRIVYIGNORE): IgnoreFileResult {
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const id = fields[0]!;
    const exp = fields.slice(1).find((f) => f.startsWith('exp:'))?.slice(4);
    let expiresAt: Date | undefined;
    if (exp !== undefined) {
      expiresAt = parseDay(exp);
      if (!expiresAt) {
        problems.push(`${file}:${i + 1}: "exp:${exp}" is not a YYYY-MM-DD date (Trivy skips this line too)`);
        return;
      }
    }
    waivers.push({
      origin: `${file}:${i + 1}`,
      source: 'trivyignore',
      ids: [escapeGlob(id)],
      reason: `listed in ${file}`,
      ...(expiresAt ? { expiresAt, expires: exp } : {}),
    });
  });
  return { waivers, problems };
}
