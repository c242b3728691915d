import { Option } from 'commander';

/**
 * --sarif-layout for every command that writes a SARIF log (the values are src/report/sarif.ts's
 * SarifLayout; listed here so that defining commands does not load the writer).
 */
export function sarifLayoutOption(): Option {
  return new Option('--sarif-layout <layout>', 'SARIF file layout: pretty (indented), lines (each result, rule and artifact compact on one line: about half the size), auto (lines above 10,000 results)')
    .choices(['auto', 'pretty', 'lines'])
    .default('auto');
}
