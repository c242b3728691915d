import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { createSarifValidator, type SarifValidator } from '../../src/sarif/validate.js';
import { SCHEMAS } from './corpus.js';

const OFFICIAL = join(SCHEMAS, 'sarif-schema-2.1.0.json');
export const HAVE_OFFICIAL_SCHEMA = existsSync(OFFICIAL);

let official: SarifValidator | undefined;
let structural: SarifValidator | undefined;

/** Problems against the official OASIS schema (when ../shared is present) and secgate's own. */
export function sarifProblems(log: Log): string[] {
  structural ??= createSarifValidator();
  const out = structural(log).map((p) => `structural ${p.path}: ${p.message}`);
  if (HAVE_OFFICIAL_SCHEMA) {
    official ??= createSarifValidator(JSON.parse(readFileSync(OFFICIAL, 'utf8')) as Record<string, unknown>);
    out.push(...official(log).map((p) => `official ${p.path}: ${p.message}`));
  }
  return out;
}
