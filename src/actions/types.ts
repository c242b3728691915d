export type ActionType = 'command' | 'webhook' | 'ansible';

/** What happened to one action: recorded in the SARIF log (properties.secgate.actions) and printed. */
export interface ActionOutcome {
  name: string;
  type: ActionType;
  /** dry-run: would have acted (no --apply); skipped: no finding matched. */
  status: 'dry-run' | 'ok' | 'failed' | 'timeout' | 'skipped';
  findings: number;
  /** One line: exit code, HTTP status, or what would have run. Never a secret. */
  detail: string;
}

/** Everything an action needs from outside, passed in by the CLI. */
export interface ActionEnv {
  env: Record<string, string | undefined>;
  cwd: string;
  apply: boolean;
  /** For temp files (ansible extra vars). */
  tmpDir: string;
}
