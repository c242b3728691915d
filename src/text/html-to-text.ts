/**
 * HTML fragments from scanners (ZAP's descriptions, solutions and references) → plain text that
 * is safe to carry in SARIF `text` fields. No markup survives: tags are stripped, scripts,
 * styles and comments dropped with their content, entities decoded once, block elements become
 * line breaks, list items "- " bullets, links their text followed by the URL. A decoded `<`
 * that would start a tag again (`&lt;script&gt;` in the source) becomes `‹`, so a careless
 * sink downstream can never turn the text back into markup. Escaping for a particular sink
 * (terminal, markdown, HTML) is still that sink's job: src/text/escape.ts.
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®',
  trade: '™', middot: '·', bull: '•', deg: '°', times: '×', shy: '',
};

const BLOCK = new Set([
  'p', 'div', 'br', 'tr', 'table', 'ul', 'ol', 'pre', 'blockquote', 'section', 'article', 'header', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'dl', 'dt', 'dd', 'form', 'fieldset', 'address', 'li',
]);

// Elements whose content is never text a reader should see.
const DROP_WITH_CONTENT = /<(script|style|noscript|template|iframe|object|svg|math|head|title)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;
const COMMENT = /<!--[\s\S]*?(-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(\]\]>|$)/g;
const DECLARATION = /<[!?][^>]*(>|$)/g;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)(>|$)/g;
// C0 controls except \t and \n, DEL, C1 controls: never meaningful in a description.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// A `<` that could open a tag, a comment or a declaration in any HTML/markdown sink.
const TAG_OPENER = /<(?=[a-zA-Z/!?])/g;

/** HTML fragment → plain text (see the module comment). Total: never throws. */
export function htmlToText(html: string): string {
  // Controls first: the link markers below are control characters the input can then not forge.
  let s = html.replace(/\r\n?/g, '\n').replace(CONTROL, '');
  s = s.replace(COMMENT, ' ').replace(DROP_WITH_CONTENT, ' ').replace(CDATA, (_, inner: string) => escapeLt(inner)).replace(DECLARATION, ' ');
  // HTML semantics: source newlines are spaces; structure comes from the elements.
  s = s.replace(/[ \t\n\f]+/g, ' ');
  const links: string[] = [];
  s = s.replace(TAG, (_m, close: string, rawName: string, attrs: string) => {
    const name = rawName.toLowerCase();
    if (name === 'a') {
      if (!close) {
        links.push(safeHref(attrs) ?? '');
        return '\u0001'; // start-of-link marker, resolved below once the link text is known
      }
      return `\u0002${links.length}\u0002`;
    }
    if (name === 'li') return close ? '' : '\n- ';
    if (name === 'br' || name === 'hr') return '\n';
    if (BLOCK.has(name)) return '\n\n';
    if (name === 'td' || name === 'th') return ' ';
    return '';
  });
  s = resolveLinks(s, links);
  s = decodeEntities(s);
  s = s.replace(/\u00a0/g, ' ');
  return tidy(s);
}

/**
 * Text a scanner gives as plain text (ZAP's API and XML-plus reports, instance `otherinfo`):
 * newlines kept, control characters dropped, tag openers neutralised as in htmlToText.
 */
export function plainText(text: string): string {
  return tidy(text.replace(/\r\n?/g, '\n').replace(TAG_OPENER, '‹'));
}

function escapeLt(s: string): string {
  return s.replace(/</g, '&lt;');
}

function safeHref(attrs: string): string | undefined {
  const m = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  const raw = m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim() : '';
  // Only addresses a reader can follow safely; javascript:, data: and friends are dropped.
  return /^(https?:\/\/|mailto:)/i.test(raw) ? raw.replace(/[\s<>"]/g, encodeURIComponent) : undefined;
}

/** `\u0001text\u0002n\u0002` → `text (url)` when the URL adds something to the text. */
function resolveLinks(s: string, links: string[]): string {
  let out = s.replace(/\u0001([^\u0001\u0002]*)\u0002(\d+)\u0002/g, (_m, text: string, n: string) => {
    const href = links[Number(n) - 1] ?? '';
    const t = text.trim();
    if (!href || decodeEntities(t) === href) return text;
    return t ? `${text} (${href})` : href;
  });
  // Unbalanced markers (an <a> never closed, or closed twice) just disappear.
  out = out.replace(/\u0002\d+\u0002/g, '').replace(/\u0001/g, '');
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!Number.isFinite(cp) || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(cp);
    }
    const v = NAMED[body.toLowerCase()];
    return v ?? m;
  });
}

function tidy(s: string): string {
  return s
    .replace(CONTROL, '')
    .replace(TAG_OPENER, '‹')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
