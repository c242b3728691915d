import { describe, expect, it } from 'vitest';
import { reporters } from '../../src/report/registry.js';
import { HOSTILE, LIVE, hostileLog } from '../helpers/hostile.js';

/**
 * Every hostile string (as rule id, message, package, fixed version, path, URL, tag and tool
 * name) through every reporter. Sink-specific checks live beside each format's own tests; these
 * are the ones that hold for every text output: no terminal control sequence, no bidi override,
 * no NUL, no lone surrogate, no line that a CI runner would take as a workflow command, and the
 * 1 MB line clipped rather than copied.
 */
const log = hostileLog();
// The log also carries the reasons a verdict would, so the verdict paths are exercised.
log.properties = {
  secgate: {
    verdict: {
      status: 'fail',
      reasons: HOSTILE.slice(0, 12).map((h, i) => ({ code: 'threshold', rule: `fail_on[0]: ${h.value.slice(0, 200)}`, message: h.value, count: 40, max: 0, findings: [{ tool: h.value.slice(0, 100), ruleId: h.value, severity: 'critical', message: h.value, package: h.value, location: h.value.slice(0, 300), line: i + 1, fixedVersions: [h.value.slice(0, 100)] }] })),
      warnings: [{ code: 'waiver-expiring', rule: '@octocat', message: '::warning::x' }],
      summary: { tools: [], total: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, distinct: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, distinctTotal: 0, suppressed: 0, sharedAcrossTools: 0 },
    },
  },
};

describe('hostile strings through every reporter', () => {
  for (const r of reporters) {
    it(r.format, () => {
      const out = r.render(structuredClone(log), { color: false, maxChars: 1024 * 1024, now: new Date('2026-11-23T12:00:00Z') });
      const text = typeof out === 'string' ? out : Buffer.from(out).toString('utf8');
      expect(text).not.toMatch(LIVE.esc);
      expect(text).not.toMatch(LIVE.bidi);
      expect(text).not.toMatch(LIVE.nul);
      expect(text).not.toMatch(LIVE.loneSurrogate);
      expect(text).not.toMatch(/^\s*::[a-z-]+/m);
      expect(text).not.toMatch(/\u009b/);
      // The sarif format is the log itself (JSON escapes the 1 MB line, it does not clip it).
      if (r.format !== 'sarif') expect(text.length).toBeLessThan(1024 * 1024);
    });
  }

  it('the console colours only with colour on, and then only with SGR sequences it chose', () => {
    const c = reporters.find((r) => r.format === 'console')!;
    const out = c.render(structuredClone(log), { color: true });
    const seqs = out.match(/\u001b[^m]*m?/g) ?? [];
    for (const s of seqs) expect(s).toMatch(/^\u001b\[[0-9;]*m$/);
  });
});
