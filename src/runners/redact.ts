/**
 * Secrets must never reach the SARIF invocation, a progress line or an error message. A redactor
 * is built once per scanner from the environment it gets and replaces every secret value.
 */
export const REDACTED = '***';

/** Environment variable names whose values are secrets. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_KEY|CREDENTIAL/i;

/** Flags whose next argument (or `=value`) is a secret: --token X, --password=X, -Dsonar.token=X. */
const SECRET_FLAG = /^(--?[\w.-]*(token|password|passwd|secret|api-?key|login)|-Dsonar\.(token|login|password))$/i;

export type Redactor = (text: string) => string;

/** Values shorter than this are not treated as secrets (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 6;

export function secretValues(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name) || extraNames.includes(name)) values.add(value);
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export function makeRedactor(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): Redactor {
  const secrets = secretValues(env, extraNames);
  return (text: string) => {
    let out = text;
    for (const s of secrets) out = out.split(s).join(REDACTED);
    // Credentials inside URLs (https://user:pass@host) are secrets whatever the variable was called.
    return out.replace(/(\b[a-z][\w+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${REDACTED}@`);
  };
}

/** Arguments with the values of secret flags blanked, then any secret value anywhere redacted. */
export function redactArgs(args: readonly string[], redact: Redactor): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    if (eq > 0 && SECRET_FLAG.test(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq)}=${REDACTED}`);
    } else if (SECRET_FLAG.test(a) && i + 1 < args.length) {
      out.push(a, REDACTED);
      i++;
    } else {
      out.push(redact(a));
    }
  }
  return out;
}

/** A command line a person can read and paste (POSIX quoting), for the SARIF invocation. */
export function formatCommandLine(file: string, args: readonly string[]): string {
  return [file, ...args].map(quote).join(' ');
}

function quote(s: string): string {
  if (s !== '' && /^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Every string inside a value (a SARIF run) redacted, in place; keys and structure untouched. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) {
      // Assign only what changed: adapters share one array or string among many results (and
      // could freeze them), so an unconditional write-back would throw or copy for nothing.
      for (let i = 0; i < v.length; i++) {
        const w = walk(v[i]);
        if (w !== v[i]) v[i] = w;
      }
      return v;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x);
        if (w !== x) (v as Record<string, unknown>)[k] = w;
      }
      return v;
    }
    return v;
  };
  return walk(value) as T;
}
