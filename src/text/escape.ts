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
  const one = forTerminal(s.length > max + 1 ? s.slice(0, max + 1) : s).replace(/\n/g, '⏎');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Replace lone surrogates (invalid UTF-16) with U+FFFD. */
export function toWellFormed(s: string): string {
  const f = (s as string & { toWellFormed?: () => string }).toWellFormed;
  if (f) return f.call(s);
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

// ---------------------------------------------------------------------------------------------
// Markdown (GitHub and GitLab flavoured: job summary, PR comment, MR note)
// ---------------------------------------------------------------------------------------------

// Controls (incl. \r and \n) and invisible/bidi characters, shown as visible escapes.
const MARKDOWN_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function visibleControls(s: string): string {
  return toWellFormed(s).replace(MARKDOWN_UNSAFE, (c) => {
    if (c === '\n' || c === '\r') return '⏎';
    if (c === '\t') return ' ';
    return `\\u{${c.codePointAt(0)!.toString(16)}}`;
  });
}

/** Escaping only lengthens text: work on at most max+1 raw characters (a 1 MB line costs nothing). */
function preclip(s: string, max: number): string {
  return s.length > max + 1 ? s.slice(0, max + 1) : s;
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  // Never cut a surrogate pair in half.
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(s[end - 1] ?? '')) end--;
  return `${s.slice(0, end)}…`;
}

// Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping all of them
// means no emphasis, link, image, HTML, entity, heading, list marker or table pipe can start.
const MD_PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Zero-width space (as an entity, visible in the raw text) after the characters that start a
// mention or a reference on GitHub (@user, #12, GH-12) and GitLab (!12, ~label, %milestone,
// $snippet, &epic): these filters run on the rendered text, where a backslash no longer helps.
const ZWSP = '&#8203;';
const REFERENCE = /(\\[@#!~%$&^])(?=[\p{L}\p{N}_"'])/gu;
// Autolinks: "https://", "www.", and GitHub's GH-123 shorthand.
// (The scheme starts where no scheme character precedes it: without that anchor a long word is
// rescanned from every position, quadratic in its length.)
const AUTOLINK = /(?<![\p{L}\p{N}])(\p{L}[\p{L}\p{N}]*)\\:(?=\\\/)|\b(www)(?=\\\.)|\b(GH)(?=\\-\d)/giu;

/**
 * Hostile text as one inline run of markdown prose: rendered exactly as written, never as a
 * link, image, HTML, mention, issue reference, heading or table break. Safe inside a table cell.
 */
export function forMarkdown(s: string, max = 500): string {
  const escaped = clip(visibleControls(preclip(s, max)), max).replace(MD_PUNCT, (c) => `\\${c}`);
  return escaped
    .replace(REFERENCE, `$1${ZWSP}`)
    .replace(AUTOLINK, (m, scheme: string | undefined) => (scheme ? `${scheme}${ZWSP}\\:` : `${m}${ZWSP}`));
}

/**
 * Hostile text as an inline code span: chosen delimiter longer than any backtick run inside, so
 * the span cannot be closed early; `|` escaped for table cells (GFM honours `\|` inside code in
 * tables, and only there, so pass `table: false` outside tables).
 */
export function forMarkdownCode(s: string, opts: { max?: number; table?: boolean } = {}): string {
  let text = clip(visibleControls(preclip(s, opts.max ?? 200)), opts.max ?? 200);
  if (opts.table !== false) text = text.replace(/\\(?=\|)/g, '\\\\').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick (or is all spaces) needs padding: CommonMark
  // strips one space from each side when both are present.
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  if (!text.length) return '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

// C1 controls, bidi overrides/isolates and zero-width characters: valid text, but a terminal may
// act on C1 and the others change how a line reads.
const INVISIBLE = /[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Invisible and direction-changing characters shown as visible \u{…} escapes (for any sink). */
export function showInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

// ---------------------------------------------------------------------------------------------
// HTML and XML
// ---------------------------------------------------------------------------------------------

// Characters XML 1.0 does not allow at all (even as references): C0 controls but \t \n \r,
// lone surrogates, U+FFFE and U+FFFF.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text or attribute value in HTML: the five significant characters as entities. */
export function forHtml(s: string): string {
  return toWellFormed(s).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text or attribute value in XML 1.0: characters XML cannot carry are replaced with U+FFFD
 * (lone surrogates first, then controls), the rest escaped; \r \n \t in attributes become
 * character references so a parser's attribute normalisation does not flatten them.
 */
export function forXml(s: string, opts: { attribute?: boolean } = {}): string {
  const clean = toWellFormed(s).replace(XML_INVALID, '\ufffd');
  const esc = clean.replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML_ENTITIES[c]!));
  return opts.attribute ? esc.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : esc.replace(/\r/g, '&#13;');
}

/**
 * JSON embedded in an HTML `<script type="application/json">`: `<` (and so `</script>` and
 * `<!--`), `>`, `&` and the JS line separators become \u escapes, which JSON.parse reads back.
 */
export function forHtmlScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
