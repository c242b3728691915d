/**
 * Typed errors. Every one of them ends the gate with exit 2 ("could not decide"), and each
 * renders as one line: what went wrong, where, and what to do. The split matters for the
 * message (whose fault it is), not for the exit code.
 */
export abstract class SecgateError extends Error {
  /** What the user can do about it; appended to the one-line message. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
  /** The one line the CLI prints. */
  oneLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/** secgate.yml, a flag, or an environment variable is wrong. */
export class ConfigError extends SecgateError {
  override readonly name = 'ConfigError';
}

/** A report file is empty, truncated, not parseable, or of no known format. */
export class ReportError extends SecgateError {
  override readonly name = 'ReportError';
  constructor(
    readonly file: string,
    message: string,
    hint?: string,
    /** JSON path or "line:column" inside the file, when known. */
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${message}`, hint, options);
  }
}

/** A scanner was missing, failed, timed out, or its API answered with an error. */
export class ScannerError extends SecgateError {
  override readonly name = 'ScannerError';
  constructor(
    readonly scanner: string,
    message: string,
    hint?: string,
    readonly exitCode?: number,
    readonly stderr?: string,
    options?: { cause?: unknown },
  ) {
    super(`${scanner}: ${message}`, hint, options);
  }
}

/** Writing an output failed (unwritable path, disk full). */
export class OutputError extends SecgateError {
  override readonly name = 'OutputError';
}

/** The machine's limits stopped the gate (memory): it could not decide, so it does not pass. */
export class ResourceError extends SecgateError {
  override readonly name = 'ResourceError';
}

export function isSecgateError(e: unknown): e is SecgateError {
  return e instanceof SecgateError;
}
