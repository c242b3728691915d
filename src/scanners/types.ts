import type { Run } from 'sarif';
import type { RunContext } from '../sarif/builder.js';
import type { ToolKind } from '../sarif/props.js';

export type AdapterContext = RunContext & {
  /** Line-delimited formats: skip malformed lines (counted as a warning) instead of failing. */
  skipMalformedLines?: boolean;
};

/**
 * Native report → SARIF run(s). Adapters are pure: no I/O, no clock, no environment.
 * `detect` looks at structure only (never the file name); `toRuns` throws ShapeError when
 * the document does not have the shape the format documents.
 */
export interface Adapter {
  /** Stable id, used by --format and config (`format: grype`). */
  readonly id: string;
  /** Human name of the format, for messages ("Grype JSON"). */
  readonly title: string;
  readonly kind: ToolKind;
  /** `json`: detect/toRuns get the parsed document; `text`: they get the raw text (XML, NDJSON). */
  readonly input: 'json' | 'text';
  detect(doc: unknown): boolean;
  toRuns(doc: unknown, ctx: AdapterContext): Run[];
}
