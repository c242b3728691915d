import type { Log } from 'sarif';

export interface RenderOptions {
  color: boolean;
  /** Terminal width, for console layouts. */
  width?: number;
  /** Verbosity: `quiet` prints the verdict line only. */
  quiet?: boolean;
}

/** One output format. The verdict is read from the log (embedded by the gate), never recomputed. */
export interface Reporter {
  readonly format: string;
  readonly description: string;
  /** File extension for `-o` defaults. */
  readonly extension: string;
  render(log: Log, opts: RenderOptions): string;
}
