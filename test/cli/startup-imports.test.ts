import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { reporters } from '../../src/report/registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every source file the bundled CLI loads before any command runs (static imports from the entry, transitively). */
async function loadedAtStartup(): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [join(root, 'src/cli.ts')],
    outdir: join(root, 'dist-startup-test'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { __SECGATE_VERSION__: '"0.0.0"' },
  });
  const outputs = (metafile as Metafile).outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint?.endsWith('src/cli.ts'))!;
  const seen = new Set<string>();
  const visit = (o: string) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of outputs[o]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen].flatMap((o) => Object.keys(outputs[o]!.inputs));
}

describe('start-up: commands load lazily', () => {
  it('the bundle loads only commander, the command definitions and tiny helpers before a command runs', async () => {
    const files = await loadedAtStartup();
    expect(files.some((f) => f.includes('src/cli/commands/'))).toBe(true);
    // Each of these costs tens of ms at every start (`secgate --version` included).
    const heavy = files.filter((f) => /src\/(report|scanners|sarif|policy|runners|config|publish|export|compliance)\/|node_modules\/(ajv|yaml|execa|chalk|fast-xml-parser|picomatch|semver|p-limit)/.test(f));
    expect(heavy).toEqual([]);
  }, 30_000);

  it('report --help still lists every reporter in the registry, and --format still refuses others', async () => {
    const help = await runCli(['report', '--help']);
    for (const r of reporters) expect(help.stdout).toMatch(new RegExp(`^  ${r.format} +\\S`, 'm'));
    const bad = await runCli(['report', '--from', 'x.sarif', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Allowed choices are ${reporters.map((r) => r.format).join(', ')}`);
  });
});
