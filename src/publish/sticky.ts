/**
 * The hidden marker that makes one PR/MR comment "ours": found on the next push and edited in
 * place instead of adding a new comment each time. A key lets several secgate jobs (say, one
 * per service in a monorepo) keep one comment each.
 */
export const MARKER_PREFIX = 'secgate:comment';

export function commentMarker(key?: string): string {
  const k = key?.replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, 64);
  return `<!-- ${MARKER_PREFIX}${k ? ` key=${k}` : ''} -->`;
}

/** The body as posted: the marker first (invisible when rendered), then the markdown. */
export function stickyBody(markdown: string, marker: string): string {
  return `${marker}\n${markdown}`;
}

export function hasMarker(body: unknown, marker: string): boolean {
  return typeof body === 'string' && body.includes(marker);
}

/** Comment bodies never include the marker text from findings: escaped markdown cannot hold `<!--`. */
export function stripMarkers(markdown: string): string {
  return markdown.replace(/<!--\s*secgate:comment[^>]*-->/g, '');
}
