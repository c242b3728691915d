import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText, plainText } from '../../src/text/html-to-text.js';
import { HOSTILE } from '../helpers/hostile.js';
import { fuzzRuns } from '../helpers/fuzz.js';

const RUNS = fuzzRuns(300);

/** Nothing in the output may open a tag, comment or declaration in an HTML or markdown sink. */
function expectInert(out: string): void {
  expect(out).not.toMatch(/<[a-zA-Z/!?]/);
  expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
}

describe('htmlToText', () => {
  it('turns ZAP paragraphs into paragraphs and decodes entities once', () => {
    expect(htmlToText("<p>The Anti-MIME-Sniffing header X-Content-Type-Options was not set to 'nosniff'.</p><p>At &quot;High&quot; threshold this scanner will not alert.</p>")).toBe(
      "The Anti-MIME-Sniffing header X-Content-Type-Options was not set to 'nosniff'.\n\nAt \"High\" threshold this scanner will not alert.",
    );
    // &amp;lt; is the text "&lt;", not a tag opener.
    expect(htmlToText('<p>a &amp;lt; b &amp;amp; c</p>')).toBe('a &lt; b &amp; c');
  });

  it('makes list items bullets and <br> line breaks', () => {
    expect(htmlToText('<p>Do:</p><ul><li>Encode output.</li><li>Validate input.</li></ul>Line one<br>Line two<br/>Line three')).toBe(
      'Do:\n\n- Encode output.\n- Validate input.\n\nLine one\nLine two\nLine three',
    );
  });

  it('drops scripts, styles and comments with their content', () => {
    expect(htmlToText('<p>before</p><script>alert(document.cookie)</script><style>p{display:none}</style><!-- secret --><p>after</p>')).toBe('before\n\nafter');
    expect(htmlToText('x<SCRIPT type="text/javascript">evil()</SCRIPT >y')).toBe('x y');
    // An unterminated script swallows the rest rather than leaking it.
    expect(htmlToText('ok<script>evil()')).toBe('ok');
  });

  it('keeps a link as its text and the URL, only for http(s) and mailto', () => {
    expect(htmlToText('<p>See <a href="https://owasp.org/Top10/">the OWASP Top 10</a>.</p>')).toBe('See the OWASP Top 10 (https://owasp.org/Top10/).');
    expect(htmlToText('<a href="https://owasp.org/">https://owasp.org/</a>')).toBe('https://owasp.org/');
    expect(htmlToText('<a href="javascript:alert(1)">click</a>')).toBe('click');
    expect(htmlToText("<a href='data:text/html,<script>x</script>'>x</a>")).toBe('x');
  });

  it('neutralises a tag that was only escaped in the source: the text stays readable, never markup', () => {
    const out = htmlToText('<p>The page contains &lt;script&gt;alert(1)&lt;/script&gt; in the response.</p>');
    expect(out).toBe('The page contains ‹script>alert(1)‹/script> in the response.');
    expectInert(out);
  });

  it('keeps comparison signs that are not tags', () => {
    expect(htmlToText('<p>1 < 2 and 3 > 2</p>')).toBe('1 < 2 and 3 > 2');
  });

  it('decodes numeric references and refuses the ones that are not characters', () => {
    expect(htmlToText('&#65;&#x42;&#0;&#xD800;&#1114112;&nbsp;&unknown;')).toBe('AB\ufffd\ufffd\ufffd &unknown;');
  });

  it.each(HOSTILE.map((h) => [h.name, h.value] as const))('hostile %s: inert output', (_name, value) => {
    expectInert(htmlToText(value));
    expectInert(htmlToText(`<p>${value}</p>`));
    expectInert(plainText(value));
  });

  it('property: any input gives inert text; text without markup characters survives word for word', () => {
    const htmlish = fc.array(
      fc.oneof(
        fc.string(),
        fc.constantFrom('<p>', '</p>', '<br>', '<li>', '<ul>', '</ul>', '<a href="https://x.example/">', '</a>', '<script>', '</script>', '<style>', '<!--', '-->', '&lt;', '&gt;', '&amp;', '&#60;', '&#x3c;', '<![CDATA[', ']]>', '<', '>', '"', "'", '\u0001', '\u0002', '\u001b'),
      ),
      { maxLength: 30 },
    ).map((parts) => parts.join(''));
    fc.assert(fc.property(htmlish, (s) => expectInert(htmlToText(s))), { numRuns: RUNS });
    fc.assert(fc.property(fc.string(), (s) => expectInert(plainText(s))), { numRuns: RUNS });
    const words = fc.array(fc.stringMatching(/^[A-Za-z0-9.,:;()'"-]{1,12}$/), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(words, (ws) => {
        expect(htmlToText(`<p>${ws.join(' ')}</p>`)).toBe(ws.join(' '));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('plainText', () => {
  it('keeps line breaks, drops controls, neutralises tag openers', () => {
    expect(plainText('Phase: Architecture and Design\r\nUse a vetted library.\u0007')).toBe('Phase: Architecture and Design\nUse a vetted library.');
    expect(plainText('evidence <script>alert(1)</script>')).toBe('evidence ‹script>alert(1)‹/script>');
  });
});
