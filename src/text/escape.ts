/**
 * Escaping for each sink secgate writes to. Scanned code, package names and URLs are hostile
 * text: they must never reach a sink "live" (as a terminal control sequence, a markdown link
 * or mention, HTML, a workflow command). One function per sink; other sinks add theirs here.
 */

// C0 controls except \t and \n, DEL, C1 controls, and the Unicode bidi/isolate overrides
// (Trojan Source) and other invisible format characters that change how text reads.
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Text for a terminal: control and bidi characters shown as visible escapes, never interpreted. */
export function forTerminal(s: string): string {
  return toWellFormed(s).replace(TERMINAL_UNSAFE, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\u001b') return '\\e';
    return `\\u{${c.codePointAt(0)!.toString(16)}}`;
  });
}

/** One line of terminal text: newlines shown as ⏎ so a finding cannot forge extra lines. */
export function forTerminalLine(s: string, max = 200): string {
  const one = forTerminal(s).replace(/\n/g, '⏎');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Replace lone surrogates (invalid UTF-16) with U+FFFD. */
export function toWellFormed(s: string): string {
  const f = (s as string & { toWellFormed?: () => string }).toWellFormed;
  if (f) return f.call(s);
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
