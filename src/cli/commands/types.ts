import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * A command definition: options and help only. Its action imports the implementation
 * (`await import('../<name>.js')`) so start-up loads nothing a command does not need.
 * `done(code)` hands the command's exit code to main, the one place that exits.
 */
export type CommandDefinition = (program: Command, ctx: CliContext, done: (code: number) => void) => void;

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
