import { forTerminal } from './escape.js';

/**
 * Escaping for GitHub Actions workflow commands (`::error file=…,line=…::message`), as the
 * runner decodes them (actions/toolkit core `escapeData` / `escapeProperty`). A value that
 * went through these can never end the command early or start a new one: the newline that
 * would begin a forged `::set-output`/`::error` line becomes `%0A`, and a `%0A` already in the
 * text becomes `%250A` (decoded back to the literal text, not to a newline).
 *
 * Terminal control characters are made visible first (the log viewer renders ANSI).
 */
export function workflowData(s: string): string {
  return forTerminal(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`): also `:` and `,`, which end a value. */
export function workflowProperty(s: string): string {
  return workflowData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line (no trailing newline). */
export function workflowCommand(name: string, props: Record<string, string | number | undefined>, message: string): string {
  const parts = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${workflowProperty(String(v))}`);
  return `::${name}${parts.length ? ` ${parts.join(',')}` : ''}::${workflowData(message)}`;
}
