import type { Waiver } from '../waivers.js';
import { escapeGlob, type IgnoreFileResult } from './common.js';

/** Names the ZAP packaged scans' rules file goes by in a repository (zap-baseline.py -c FILE). */
export const ZAP_RULES_FILES = ['.zap/rules.tsv', 'zap-rules.tsv', '.zap-rules.tsv'];

/**
 * ZAP packaged-scan rules (zap-baseline.py / zap-full-scan.py -c): tab-separated
 * `id<TAB>IGNORE|INFO|WARN|FAIL|OUTOFSCOPE<TAB>name-or-regex`. IGNORE drops the rule's alerts;
 * OUTOFSCOPE drops alerts whose URL matches the regex in the third column (id `*` = every rule).
 * INFO/WARN/FAIL only change the level ZAP reports and are not waivers. ZAP has no expiry.
 */
export function parseZapRules(text: string, file = ZAP_RULES_FILES[0]!): IgnoreFileResult {
  const waivers: Waiver[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim() || raw.trimStart().startsWith('#')) return;
    const [id = '', action = '', third = ''] = raw.split('\t').map((s) => s.trim());
    const where = `${file}:${i + 1}`;
    const ruleScope = id === '*' ? {} : { rules: [escapeGlob(id), `${escapeGlob(id)}-*`] };
    switch (action.toUpperCase()) {
      case 'IGNORE':
        waivers.push({ origin: where, source: 'zap-rules', tools: ['zap'], ...ruleScope, reason: `IGNORE in ${file}${third ? ` ${third}` : ''}` });
        return;
      case 'OUTOFSCOPE': {
        let re: RegExp;
        try {
          re = new RegExp(third);
        } catch {
          problems.push(`${where}: OUTOFSCOPE regex "${third}" is not valid`);
          return;
        }
        if (!third) {
          problems.push(`${where}: OUTOFSCOPE needs a URL regex in the third column`);
          return;
        }
        // zap-baseline.py tests the regex with re.match: anchored at the start of the URL.
        const anchored = new RegExp(`^(?:${re.source})`);
        waivers.push({ origin: where, source: 'zap-rules', tools: ['zap'], ...ruleScope, urlPatterns: [anchored], reason: `OUTOFSCOPE in ${file}: ${third}` });
        return;
      }
      case 'INFO':
      case 'WARN':
      case 'FAIL':
        return;
      default:
        problems.push(`${where}: "${action}" is not IGNORE, INFO, WARN, FAIL or OUTOFSCOPE`);
    }
  });
  return { waivers, problems };
}
