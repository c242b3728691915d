/**
 * Hostile strings: text a scanned repository, a package registry or a web app under test can
 * put into a finding (rule id, message, package name, file path, URL). Every sink secgate
 * writes to must show these as inert text. Reusable by any test: `HOSTILE`, `hostileLog()`.
 */
import type { Log, Result } from 'sarif';

export interface HostileString {
  /** What it tries to do, for test names. */
  name: string;
  value: string;
}

export const ONE_MB_LINE = 'A'.repeat(1024 * 1024);

export const HOSTILE: readonly HostileString[] = [
  // GitHub Actions workflow commands (a line starting with :: is a command to the runner)
  { name: 'workflow set-output', value: '::set-output name=verdict::pass' },
  { name: 'workflow add-mask', value: '::add-mask::secret' },
  { name: 'workflow command after encoded newline', value: 'x%0A::error file=a.js::forged' },
  { name: 'workflow command after real newline', value: 'benign\n::warning::forged annotation' },
  { name: 'workflow stop-commands', value: '::stop-commands::endtoken' },
  // Markdown / HTML injection
  { name: 'markdown link', value: '[click me](https://evil.example/phish)' },
  { name: 'markdown image beacon', value: '![x](https://evil.example/beacon.png)' },
  { name: 'autolink', value: 'see https://evil.example/x and www.evil.example' },
  { name: 'angle autolink', value: '<https://evil.example/>' },
  { name: 'raw html script', value: '<script>window.__pwned=1</script>' },
  { name: 'raw html img onerror', value: '<img src=x onerror="window.__pwned=1">' },
  { name: 'html comment', value: '<!-- hidden -->' },
  { name: 'close script tag', value: '</script><script>window.__pwned=1</script>' },
  { name: 'markdown heading and emphasis', value: '# Heading **bold** _em_ ~~strike~~' },
  { name: 'table breaker', value: 'a | b | c\n| --- | --- |' },
  { name: 'code fence breaker', value: '```\nfenced\n``` and `tick` and ``double``' },
  { name: 'mention', value: '@octocat please look, cc @org/team' },
  { name: 'issue reference', value: 'fixes #123 and GH-45 and owner/repo#6' },
  { name: 'gitlab references', value: '!12 ~label %milestone $snippet &epic' },
  { name: 'html entity', value: '&lt;b&gt; &amp; &#64;user' },
  { name: 'xml breakers', value: ']]><!DOCTYPE x [<!ENTITY e "x">]>&e;"\'' },
  // Terminal control sequences
  { name: 'ANSI colour and clear screen', value: '\u001b[31mred\u001b[0m\u001b[2J\u001b[H' },
  { name: 'OSC 8 hyperlink', value: '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\' },
  { name: 'OSC title set', value: '\u001b]0;pwned title\u0007' },
  { name: 'C1 CSI', value: '\u009b31mred' },
  { name: 'CRLF', value: 'line one\r\nline two\rover' },
  { name: 'bidi override (Trojan Source)', value: 'access\u202e\u2066 // admin\u2069\u2066' },
  { name: 'zero-width characters', value: 'pa\u200bss\u200dwo\u200crd\ufeff' },
  { name: 'NUL and controls', value: 'nul\u0000bell\u0007back\u0008del\u007f' },
  { name: 'lone surrogates', value: 'bad\ud800pair\udc00end' },
  { name: 'U+FFFE and U+FFFF', value: 'non\ufffechar\uffff' },
  { name: 'one megabyte line', value: ONE_MB_LINE },
];

/**
 * Patterns that must not appear in a sink's output once hostile text went through it.
 * (Each sink's test also checks sink-specific things, e.g. a browser that no script ran.)
 */
export const LIVE = {
  workflowCommandAtLineStart: /^::/m,
  esc: /\u001b/,
  c1: /[\u0080-\u009f]/,
  bidi: /[\u202a-\u202e\u2066-\u2069]/,
  nul: /\u0000/,
  loneSurrogate: /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
};

/** A valid secgate-shaped SARIF log whose every text field carries hostile strings. */
export function hostileLog(strings: readonly HostileString[] = HOSTILE): Log {
  const results: Result[] = strings.map((h, i) => ({
    ruleId: `rule-${i}-${h.value.slice(0, 200)}`,
    level: i % 2 ? 'error' : 'warning',
    message: { text: h.value },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/${uriPart(h.value.slice(0, 100))}.js` }, region: { startLine: i + 1 } } }],
    partialFingerprints: { 'secgate/v1': `fp${i}` },
    properties: {
      severity: i % 2 ? 'critical' : 'high',
      'security-severity': i % 2 ? '9.5' : '8.0',
      packageName: h.value.slice(0, 300),
      packageVersion: '1.0.0',
      fixedVersions: [h.value.slice(0, 50)],
      url: `https://app.example/${h.value.slice(0, 100)}`,
      tags: ['security', h.value.slice(0, 50)],
      cwe: ['CWE-79'],
    },
  }));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: `hostile<b>@tool</b>\u001b[31m`, rules: strings.map((h, i) => ({ id: `rule-${i}-${h.value.slice(0, 200)}`, shortDescription: { text: h.value.slice(0, 1000) } })) } },
        automationDetails: { id: 'hostile/' },
        results,
      },
    ],
  } as Log;
}

/** Percent-encoded when it can be; a hostile log may also carry a raw, unencodable path. */
function uriPart(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}
