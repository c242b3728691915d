import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAVE_XMLLINT = spawnSync('xmllint', ['--version']).status === 0;

/** Validate XML against an XSD with libxml2's xmllint; returns its complaints ('' when valid). */
export function xsdProblems(xml: string, xsd: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'secgate-xsd-'));
  const file = join(dir, 'doc.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}
