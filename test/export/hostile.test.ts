import { describe, expect, it } from 'vitest';
import { toAsffBatches } from '../../src/export/asff.js';
import { toSccFindings } from '../../src/export/gcp-scc.js';
import { complianceReporter } from '../../src/compliance/reporter.js';
import { HOSTILE, LIVE, hostileLog } from '../helpers/hostile.js';

const now = new Date('2026-11-23T12:00:00Z');

describe('hostile finding text through the hub exports and the compliance view', () => {
  const log = hostileLog();
  const asff = toAsffBatches(log, { awsAccountId: '111122223333', region: 'eu-west-1', now });
  const scc = toSccFindings(log, { source: 'organizations/1/sources/2', resourceName: '//x/projects/3', now });

  it('every finding is exported, within the field limits, with no control or bidi characters in titles and descriptions', () => {
    const findings = asff.flatMap((b) => b.Findings);
    expect(findings).toHaveLength(HOSTILE.length);
    for (const f of findings) {
      const text = `${String(f['Title'])}\n${String(f['Description'])}\n${JSON.stringify(f['ProductFields'])}`;
      for (const [name, re] of Object.entries(LIVE)) if (name !== 'workflowCommandAtLineStart') expect(text, name).not.toMatch(re);
      expect(String(f['Title']).length).toBeLessThanOrEqual(256);
      expect(String(f['Description']).length).toBeLessThanOrEqual(1024);
      expect(String(f['GeneratorId']).length).toBeLessThanOrEqual(512);
    }
    // Still parseable JSON once written (what BatchImportFindings receives).
    expect(JSON.parse(JSON.stringify(asff))).toEqual(asff);
  });

  it('SCC categories are identifiers whatever the rule id says; ids stay alphanumeric', () => {
    for (const f of scc) {
      expect(f.finding['category']).toMatch(/^[A-Z0-9_]+$/);
      expect(f.findingId).toMatch(/^[a-f0-9]{32}$/);
      expect(JSON.stringify(f.finding['sourceProperties'])).not.toMatch(LIVE.bidi);
    }
  });

  it('the compliance markdown keeps hostile tool names inert', () => {
    const md = complianceReporter.render(log, { color: false });
    expect(md).not.toMatch(LIVE.esc);
    // Inside a code span, where markdown renders no HTML.
    expect(md).toContain('`hostile<b>@tool</b>');
    expect(md.replace(/`[^`]*`/g, '')).not.toContain('<b>');
  });
});
