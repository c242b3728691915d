import { fullFormats } from 'ajv-formats/dist/formats.js';
import { toWellFormed } from '../text/escape.js';

/**
 * SARIF artifact URIs for paths that scanners report: repository-relative, forward slashes,
 * percent-encoded where the URI grammar needs it. GitHub resolves relative URIs against the
 * checkout, so absolute container paths (/usr/lib/…) lose their leading slash.
 */
export function toArtifactUri(path: string): string {
  let p = path.replace(/\\/g, '/').trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return encodeUriLoose(p); // already a URL (DAST)
  p = p.replace(/^\.\//, '').replace(/^\/+/, '');
  if (p === '') p = '.';
  // The common case (a plain path) needs no encoding: encodeSegment would return every segment as is.
  if (PLAIN_PATH.test(p)) return p;
  return p.split('/').map(encodeSegment).join('/');
}

/** Characters encodeSegment keeps as they are (encodeURIComponent's unreserved set, plus @ + , =), and '/'. */
const PLAIN_PATH = /^[A-Za-z0-9\-_.!~*'()@+,=/]*$/;

function encodeSegment(seg: string): string {
  // encodeURIComponent, but keep characters that are legal in a path segment readable.
  // A lone surrogate (invalid UTF-16 in a package name or path) cannot be percent-encoded: U+FFFD.
  // ':' stays encoded: in a relative reference's first segment it would read as a scheme
  // (`openssh-server@1:8.9p1`, a Debian epoch), which GitHub rejects (SARIF1002).
  return encodeURIComponent(toWellFormed(seg)).replace(/%40/g, '@').replace(/%2B/g, '+').replace(/%2C/g, ',').replace(/%3D/g, '=');
}

function encodeUriLoose(u: string): string {
  let href: string;
  try {
    href = new URL(u).href;
  } catch {
    href = encodeURI(toWellFormed(u));
  }
  return tightenUrl(href);
}

/**
 * The WHATWG URL serialiser leaves characters the RFC 3986 grammar (and so the SARIF schemas'
 * `uri` format) does not allow: a '%' not starting an escape, characters outside RFC 3986's
 * set ('[' ']' outside the host, '^', '|', …), and a second '#'. Encode exactly those.
 */
function tightenUrl(href: string): string {
  const authorityEnd = href.indexOf('/', href.indexOf('//') + 2);
  const head = authorityEnd < 0 ? href : href.slice(0, authorityEnd);
  let tail = authorityEnd < 0 ? '' : href.slice(authorityEnd);
  tail = tail.replace(/%(?![0-9A-Fa-f]{2})/g, '%25').replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]/gu, (c) => encodeURIComponent(c));
  const hash = tail.indexOf('#');
  if (hash >= 0) tail = tail.slice(0, hash + 1) + tail.slice(hash + 1).replace(/#/g, '%23');
  return head + tail;
}

/**
 * Identity of a URL for fingerprints: scheme, host, path and the query's parameter names —
 * query values and fragments change between runs (ids, cache busters, nonces) and are left out.
 */
export function stableUrl(uri: string): string {
  try {
    const u = new URL(uri);
    const names = [...new Set([...u.searchParams.keys()])].sort();
    return `${u.protocol}//${u.host}${u.pathname}${names.length ? `?${names.join('&')}` : ''}`;
  } catch {
    return uri.replace(/#.*$/, '').replace(/=[^&]*/g, '');
  }
}

/** A short, safe slug for categories and ids: letters, digits, dot, dash, underscore. */
export function slug(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return out.slice(0, 60) || 'report';
}

// The URI grammars the SARIF schemas check (`format: uri` / `uri-reference`), as ajv-formats' full mode implements them.
const FORMATS = fullFormats as unknown as Record<'uri' | 'uri-reference', RegExp | ((s: string) => boolean)>;
function test(f: RegExp | ((s: string) => boolean), s: string): boolean {
  return typeof f === 'function' ? f(s) : f.test(s);
}

/**
 * A plain http(s) URL — a host name, an optional port, then path, query and fragment characters
 * that need no escape: a strict subset of the `uri` grammar below (a test checks it), and what
 * nearly every scanner reference is. Anything else takes the full check.
 */
const PLAIN_HTTP_URL = /^https?:\/\/[a-z0-9\-._~]+(?::\d*)?(?:\/[a-z0-9\-._~!$&'()*+,;=:@]*)*(?:\?[a-z0-9\-._~!$&'()*+,;=:@/?]*)?(?:#[a-z0-9\-._~!$&'()*+,;=:@/?]*)?$/i;

/** An absolute URI (helpUri, informationUri): what the schemas accept. */
export function isUri(s: unknown): s is string {
  return typeof s === 'string' && (PLAIN_HTTP_URL.test(s) || test(FORMATS.uri, s));
}

/** Exported for the test that checks it accepts nothing the full grammar rejects. */
export const isPlainHttpUrl = (s: string): boolean => PLAIN_HTTP_URL.test(s);

/**
 * A relative path of unreserved and sub-delimiter characters, '@', slashes and %XX escapes, not
 * starting with "//" (an authority) and without ':' (it could read as a scheme): a path-noscheme,
 * path-absolute or empty path, so a strict subset of the `uri-reference` grammar (a property test
 * checks it) — what every artifact URI secgate writes for a file path is.
 */
const PLAIN_RELATIVE_REF = /^(?!\/\/)(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-Fa-f]{2})*$/;

/** Exported for the test that checks it accepts nothing the full grammar rejects. */
export const isPlainRelativeRef = (s: string): boolean => PLAIN_RELATIVE_REF.test(s);

/** A URI reference (artifactLocation.uri). */
export function isUriReference(s: unknown): s is string {
  // An absolute URI is a URI reference: a plain http(s) URL (DAST findings' artifacts) skips the grammar too.
  return typeof s === 'string' && (PLAIN_RELATIVE_REF.test(s) || PLAIN_HTTP_URL.test(s) || test(FORMATS['uri-reference'], s));
}

/**
 * ajv formats for the precompiled SARIF validators (src/generated/sarif.js, scripts/gen-validators.mjs):
 * ajv-formats' full mode with `uri` and `uri-reference` taking the fast paths above — the same
 * accept/reject set (property-tested against ajv-formats'), without the RFC 3986 regex for every
 * artifact path and help URI of a large log.
 */
export const sarifFormats: Record<string, unknown> = { ...(fullFormats as unknown as Record<string, unknown>), uri: isUri, 'uri-reference': isUriReference };
