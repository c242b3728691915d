/**
 * The fault matrix as data: each case says how to set the fault up, which exit code it must end in
 * and the one line it must print. The rows actually observed are collected and printed as a table
 * at the end of the file's run, so a reader of the test log sees case → exit code → message.
 */
export interface MatrixRow {
  area: string;
  fault: string;
  exit: number;
  message: string;
}

/** Keeps the observed rows; `table()` renders them (one row per case, the message cut to fit a screen). */
export class Matrix {
  readonly rows: MatrixRow[] = [];
  constructor(readonly title: string) {}

  add(row: MatrixRow): void {
    this.rows.push(row);
  }

  table(width = 150): string {
    const rows = [...this.rows].sort((a, b) => a.area.localeCompare(b.area) || a.fault.localeCompare(b.fault));
    const a = Math.max(4, ...rows.map((r) => r.area.length));
    const f = Math.max(5, ...rows.map((r) => r.fault.length));
    const room = Math.max(30, width - a - f - 12);
    const cut = (s: string) => (s.length > room ? `${s.slice(0, room - 1)}…` : s);
    const line = (x: string, y: string, z: string, w: string) => `${x.padEnd(a)} | ${y.padEnd(f)} | ${z.padEnd(4)} | ${w}`;
    return [
      `${this.title} (${rows.length} cases)`,
      line('area', 'fault', 'exit', 'message'),
      `${'-'.repeat(a)}-+-${'-'.repeat(f)}-+------+-${'-'.repeat(Math.min(room, 60))}`,
      ...rows.map((r) => line(r.area, r.fault, String(r.exit), cut(visible(r.message)))),
    ].join('\n');
  }
}

/** A message as one visible line for the table (controls shown as escapes; it was already checked raw). */
function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The lines secgate printed as errors or warnings: every "secgate: error:" / "secgate: warning:" line
 * of stderr. A fault must produce at least one, and none of them may be a stack trace or an
 * "internal error" (an unexpected exception is not a clear line).
 */
export function diagnosticLines(stderr: string, kind: 'error' | 'warning'): string[] {
  return stderr.split('\n').filter((l) => l.startsWith(`secgate: ${kind}: `));
}

export const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at file:/m;
