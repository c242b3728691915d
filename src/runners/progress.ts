import type { Writable } from 'node:stream';
import { forTerminalLine } from '../text/escape.js';
import { formatDuration } from './duration.js';

/** What the orchestrator tells the person watching. */
export interface Progress {
  started(id: string): void;
  message(id: string, text: string): void;
  finished(id: string, outcome: { ok: boolean; ms: number; findings: number; error?: string; optional: boolean }): void;
  close(): void;
}

export const silentProgress: Progress = { started() {}, message() {}, finished() {}, close() {} };

/** Plain lines, one per event: what CI logs want (no cursor movement, no redraws). */
export function plainProgress(out: Writable): Progress {
  const line = (s: string) => out.write(`${s}\n`);
  return {
    started: (id) => line(`${id}: started`),
    message: (id, text) => line(`${id}: ${forTerminalLine(text)}`),
    finished: (id, o) => line(finishedText(id, o)),
    close() {},
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * One spinner line per scanner with its elapsed time, redrawn in place. Only for a terminal
 * (the caller decides: never in CI, never with --quiet).
 */
export function ttyProgress(out: Writable, clock: () => number = () => performance.now()): Progress {
  const rows: { id: string; start: number; text: string; done?: string }[] = [];
  let drawn = 0;
  let frame = 0;
  const draw = () => {
    let s = drawn ? `\u001b[${drawn}A` : '';
    for (const r of rows) {
      const body = r.done ?? `${FRAMES[frame % FRAMES.length]} ${r.id}: ${formatDuration(clock() - r.start)}${r.text ? ` — ${r.text}` : ''}`;
      s += `\r\u001b[2K${body}\n`;
    }
    drawn = rows.length;
    frame++;
    out.write(s);
  };
  const timer = setInterval(draw, 100);
  timer.unref?.();
  const row = (id: string) => rows.find((r) => r.id === id);
  return {
    started(id) {
      rows.push({ id, start: clock(), text: '' });
      draw();
    },
    message(id, text) {
      const r = row(id);
      if (r) r.text = forTerminalLine(text, 80);
    },
    finished(id, o) {
      const r = row(id);
      if (r) r.done = `${o.ok ? '✔' : o.optional ? '⚠' : '✖'} ${finishedText(id, o)}`;
      draw();
    },
    close() {
      clearInterval(timer);
      if (rows.length) draw();
    },
  };
}

function finishedText(id: string, o: { ok: boolean; ms: number; findings: number; error?: string; optional: boolean }): string {
  if (o.ok) return `${id}: done in ${formatDuration(o.ms)}, ${o.findings} finding${o.findings === 1 ? '' : 's'}`;
  return `${id}: ${o.optional ? 'failed (optional)' : 'FAILED'} after ${formatDuration(o.ms)}: ${forTerminalLine(o.error ?? 'unknown error', 300)}`;
}
