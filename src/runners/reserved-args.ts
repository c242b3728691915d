import { ConfigError } from '../errors.js';

/**
 * Flags secgate sets itself because it reads the scanner's output: the format and where it is
 * written. The same flag in `args` would make the scanner write something else (CycloneDX, a
 * table, another file) and leave secgate with nothing to read — refused up front with a line
 * that says why, rather than a confusing "no report" later.
 */
export function refuseReservedArgs(scanner: string, args: readonly string[] | undefined, reserved: readonly string[]): void {
  for (const arg of args ?? []) {
    const hit = reserved.find((flag) =>
      flag.startsWith('--') ? arg === flag || arg.startsWith(`${flag}=`) : arg === flag || (arg.startsWith(flag) && !arg.startsWith('--')),
    );
    if (hit) {
      throw new ConfigError(
        `scanners.${scanner}.args: ${JSON.stringify(arg)} is set by secgate (it reads the scanner's ${hit} output)`,
        `remove it from args; to keep another report too, run the scanner yourself and list both files under reports:`,
      );
    }
  }
}
