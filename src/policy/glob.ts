import picomatch from 'picomatch';

/**
 * Globs as users write them in secgate.yml: case-insensitive for ids and names, `*` not
 * crossing `/` and `**` crossing it for paths, and URLs matched as plain strings.
 */
const cache = new Map<string, (s: string) => boolean>();

export function globMatch(pattern: string, value: string, opts: { caseSensitive?: boolean } = {}): boolean {
  const key = `${opts.caseSensitive ? 'c' : 'i'}\u0000${pattern}`;
  let m = cache.get(key);
  if (!m) {
    // dot: a glob over paths must see .github/ and .env files like any others.
    const compiled = picomatch(pattern, { nocase: !opts.caseSensitive, dot: true });
    m = (s: string) => compiled(s);
    cache.set(key, m);
  }
  return m(value);
}

export function anyGlob(patterns: readonly string[], values: readonly (string | undefined)[], opts?: { caseSensitive?: boolean }): boolean {
  return patterns.some((p) => values.some((v) => v !== undefined && globMatch(p, v, opts)));
}

/**
 * A tool pattern against tool.driver.name: equal or glob (case-insensitive), or one of the name's
 * words ("zap" matches "OWASP ZAP", "semgrep" matches "Semgrep OSS").
 */
export function toolMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p === n || globMatch(p, n)) return true;
  return n.split(/[^a-z0-9]+/).includes(p);
}

/** A path as a glob reads it: no leading ./ or /, no file:// scheme, percent-decoded. */
export function pathForGlob(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  let p = uri.replace(/^file:\/\//, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    /* keep */
  }
  return p.replace(/^\.\//, '').replace(/^\/+/, '');
}
