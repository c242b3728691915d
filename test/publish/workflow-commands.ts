/**
 * How the GitHub Actions runner reads a workflow command line (actions/runner ActionCommand
 * TryParseV2): trim start, `::`, the command info up to the next `::`, name up to the first
 * space, properties split on `,` then the first `=`, unescaped %0D %0A %3A %2C then %25
 * (data: %0D %0A then %25). Written from the runner's documented behaviour, to check that
 * what secgate prints is read back exactly as meant.
 */
export interface ParsedCommand {
  name: string;
  props: Record<string, string>;
  data: string;
}

const unescape = (s: string, maps: [string, string][]) => maps.reduce((acc, [token, rep]) => acc.split(rep).join(token), s);
const DATA: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], ['%', '%25']];
const PROP: [string, string][] = [['\r', '%0D'], ['\n', '%0A'], [':', '%3A'], [',', '%2C'], ['%', '%25']];

export function parseCommand(line: string): ParsedCommand | undefined {
  const m = line.trimStart();
  if (!m.startsWith('::')) return undefined;
  const end = m.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = m.slice(2, end);
  const sp = info.indexOf(' ');
  const name = sp < 0 ? info : info.slice(0, sp);
  const props: Record<string, string> = {};
  if (sp > 0) {
    for (const p of info.slice(sp + 1).split(',').filter(Boolean)) {
      const eq = p.indexOf('=');
      if (eq > 0 && eq < p.length - 1) props[p.slice(0, eq)] = unescape(p.slice(eq + 1), PROP);
    }
  }
  return { name, props, data: unescape(m.slice(end + 2), DATA) };
}

/** Legacy `##[name props]data` commands the runner still recognises anywhere in a line. */
export function hasLegacyCommand(line: string): boolean {
  return /##\[/.test(line);
}

/** $GITHUB_OUTPUT as the runner reads it: `name=value` lines, or `name<<DELIM` … `DELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = line.indexOf('<<');
    const eq = line.indexOf('=');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const name = line.slice(0, heredoc);
      const delim = line.slice(heredoc + 2);
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`matching delimiter not found: ${delim}`);
      out[name] = value.join('\n');
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else throw new Error(`invalid format: ${line}`);
  }
  return out;
}

/**
 * The lines the Actions runner would act on: outside stop-commands, parsed as v2 or legacy
 * commands. (The runner splits on \n; a lone \r also ends a line on the terminal that shows it.)
 */
export function liveCommands(text: string): string[] {
  const live: string[] = [];
  let stop: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    const cmd = parseCommand(line);
    if (stop) {
      if (cmd?.name === stop) stop = undefined;
      continue;
    }
    if (cmd?.name === 'stop-commands') stop = cmd.data;
    else if (cmd || hasLegacyCommand(line)) live.push(line);
  }
  return live;
}
