/**
 * One severity scale for every scanner, and its two SARIF spellings: `level` and GitHub's
 * `security-severity` (a CVSS-like number as a string, read in bands).
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** GitHub's bands for security-severity. `info` has none: it is scored 0.0 ("none" in CVSS). */
export const BANDS: Record<Severity, readonly [number, number]> = {
  critical: [9.0, 10.0],
  high: [7.0, 8.9],
  medium: [4.0, 6.9],
  low: [0.1, 3.9],
  info: [0.0, 0.0],
};

/** The score used when the scanner gives a label but no score inside that label's band. */
const DEFAULT_SCORE: Record<Severity, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, info: 0.0 };

export function rank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

export function isSeverity(x: unknown): x is Severity {
  return typeof x === 'string' && (SEVERITIES as readonly string[]).includes(x);
}

/** At least `min`: `atLeast('high', 'critical')` is true. */
export function atLeast(min: Severity, s: Severity): boolean {
  return rank(s) >= rank(min);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return rank(a) >= rank(b) ? a : b;
}

export type Level = 'error' | 'warning' | 'note' | 'none';

export function levelFor(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** SARIF level → severity, for SARIF inputs that carry nothing better. */
export function severityFromLevel(level: string | undefined): Severity {
  switch (level) {
    case 'error': return 'high';
    case 'note': return 'low';
    case 'none': return 'info';
    default: return 'medium'; // SARIF's default level is "warning"
  }
}

export function severityFromScore(score: number): Severity {
  if (score >= 9.0) return 'critical';
  if (score >= 7.0) return 'high';
  if (score >= 4.0) return 'medium';
  if (score >= 0.1) return 'low';
  return 'info';
}

export function inBand(s: Severity, score: number): boolean {
  const [lo, hi] = BANDS[s];
  // Bands are one decimal wide; 8.95 is still "high" for GitHub's reading.
  return score >= lo && score < hi + 0.1;
}

/**
 * GitHub's security-severity for a result of severity `s`. The scanner's label wins: a CVSS
 * score is kept only when it falls inside that label's band, otherwise the band's default.
 */
export function securitySeverity(s: Severity, score?: number): string {
  const v = score !== undefined && Number.isFinite(score) && inBand(s, score) ? score : DEFAULT_SCORE[s];
  return (Math.round(v * 10) / 10).toFixed(1);
}

/**
 * A scanner's severity word → our scale, or undefined when the word means "unknown".
 * Covers Grype/Trivy/ZAP/SonarQube/npm/SARIF spellings.
 */
export function parseSeverityLabel(label: unknown): Severity | undefined {
  if (typeof label !== 'string') return undefined;
  // A report repeats a handful of spellings ("High", "CRITICAL") once per finding: remember them
  // instead of trimming and lower-casing each (a bounded memo, so odd labels cannot grow it).
  const known = LABELS.get(label);
  if (known !== undefined || LABELS.has(label)) return known;
  const severity = severityOfWord(label.trim().toLowerCase());
  if (LABELS.size < 256) LABELS.set(label, severity);
  return severity;
}
const LABELS = new Map<string, Severity | undefined>();

function severityOfWord(word: string): Severity | undefined {
  switch (word) {
    case 'critical': case 'blocker': case 'urgent':
      return 'critical';
    case 'high': case 'error': case 'important': case 'severe':
      return 'high';
    case 'medium': case 'moderate': case 'warning': case 'major': case 'warn':
      return 'medium';
    case 'low': case 'minor': case 'negligible': case 'note': case 'recommendation':
      return 'low';
    case 'info': case 'informational': case 'information': case 'none': case 'trivial':
      return 'info';
    default:
      return undefined; // "unknown", "", anything else: the policy's unknown_severity decides
  }
}
