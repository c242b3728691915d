import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forHtml, forHtmlScriptJson, forMarkdown, forMarkdownCode, forTerminalLine, forXml } from '../../src/text/escape.js';
import { HOSTILE, LIVE } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

describe('forMarkdown', () => {
  it('escapes every markdown construct so it renders as written', () => {
    expect(forMarkdown('[x](https://e.example)')).toBe('\\[x\\]\\(https&#8203;\\:\\/\\/e\\.example\\)');
    expect(forMarkdown('![i](u)')).toBe('\\!\\[i\\]\\(u\\)');
    expect(forMarkdown('<script>')).toBe('\\<script\\>');
    expect(forMarkdown('a | b')).toBe('a \\| b');
    expect(forMarkdown('**b** _e_')).toBe('\\*\\*b\\*\\* \\_e\\_');
  });
  it('breaks mentions, issue references and autolinks with a zero-width space', () => {
    expect(forMarkdown('@octocat')).toBe('\\@&#8203;octocat');
    expect(forMarkdown('#123')).toBe('\\#&#8203;123');
    expect(forMarkdown('GH-45')).toBe('GH&#8203;\\-45');
    expect(forMarkdown('www.evil.example')).toBe('www&#8203;\\.evil\\.example');
    expect(forMarkdown('!12 ~label')).toBe('\\!&#8203;12 \\~&#8203;label');
  });
  it('keeps one line: newlines and controls become visible', () => {
    expect(forMarkdown('a\r\nb')).toBe('a⏎⏎b');
    expect(forMarkdown('x\u001b[31m')).toBe('x\\\\u\\{1b\\}\\[31m');
    expect(forMarkdown('a\u202eb')).not.toMatch(LIVE.bidi);
  });
  it('clips long text without splitting a surrogate pair', () => {
    const out = forMarkdown(`${'a'.repeat(8)}😀😀`, 10);
    expect(out).not.toMatch(LIVE.loneSurrogate);
    expect(out.endsWith('…')).toBe(true);
  });
  it('never leaves an unescaped markdown-active character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = forMarkdown(s, 10_000);
        // Every active char is preceded by a backslash (or is part of our own &#8203; entity).
        const stripped = out.replace(/&#8203;/g, '').replace(/\\[\s\S]/g, '');
        expect(stripped).not.toMatch(/[\\`*_[\]<>|!#@&()~:]/);
        expect(out).not.toMatch(/[\n\r\u0000\u001b]/);
        expect(out).not.toMatch(LIVE.loneSurrogate);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('forMarkdownCode', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(forMarkdownCode('a`b', { table: false })).toBe('``a`b``');
    expect(forMarkdownCode('``x', { table: false })).toBe('``` ``x ```');
    expect(forMarkdownCode('plain', { table: false })).toBe('`plain`');
  });
  it('escapes pipes for table cells only', () => {
    expect(forMarkdownCode('a|b')).toBe('`a\\|b`');
    expect(forMarkdownCode('a|b', { table: false })).toBe('`a|b`');
  });
  it('keeps one line', () => {
    expect(forMarkdownCode('a\nb')).toBe('`a⏎b`');
  });
  it('the span is never closed early (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = forMarkdownCode(s, { table: false, max: 10_000 });
        if (!out) return;
        const fence = /^`+/.exec(out)![0];
        expect(out.endsWith(fence)).toBe(true);
        const inner = out.slice(fence.length, out.length - fence.length);
        expect(inner.includes(fence)).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('forHtml / forXml / forHtmlScriptJson', () => {
  it('escapes the significant characters', () => {
    expect(forHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('removes characters XML 1.0 cannot carry and keeps the rest', () => {
    expect(forXml('a\u0000b\u0007c\ud800d\uffffe\tf')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\tf');
    expect(forXml('x\ny', { attribute: true })).toBe('x&#10;y');
    expect(forXml(']]>')).toBe(']]&gt;');
  });
  it('JSON for a script element cannot close it and round-trips', () => {
    const v = { s: '</script><!-- \u2028 &' };
    const out = forHtmlScriptJson(v);
    expect(out).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(out)).toEqual(v);
  });
  it('xml output is always well-formed text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = forXml(s, { attribute: true });
        expect(out).not.toMatch(/[<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
        expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
        expect(out).not.toMatch(LIVE.loneSurrogate);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});

describe('every hostile string through every text sink', () => {
  for (const h of HOSTILE) {
    it(h.name, () => {
      for (const out of [forMarkdown(h.value), forMarkdownCode(h.value), forTerminalLine(h.value)]) {
        expect(out).not.toMatch(LIVE.esc);
        expect(out).not.toMatch(LIVE.c1);
        expect(out).not.toMatch(LIVE.bidi);
        expect(out).not.toMatch(LIVE.nul);
        expect(out).not.toMatch(LIVE.loneSurrogate);
        expect(out).not.toMatch(/[\r\n]/);
        expect(out.length).toBeLessThan(2000);
      }
      expect(forHtml(h.value)).not.toMatch(/[<>]/);
      expect(forXml(h.value)).not.toMatch(/[<>\u0000]/);
    });
  }
});
