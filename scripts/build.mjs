// Bundles the CLI with esbuild (code-split ESM: commands load lazily, so start-up stays fast)
// and writes the config JSON Schema for editors. Runs on `npm ci` (prepare) and `npm test`.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeValidators } from './gen-validators.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// SECGATE_OUTDIR: build somewhere else than dist/ (beside it, so ../rules and ../schema resolve), e.g.
// to benchmark one change while another build runs.
const outdir = process.env.SECGATE_OUTDIR ? join(root, process.env.SECGATE_OUTDIR) : join(root, 'dist');
// The precompiled JSON Schema validators (src/generated/) follow the schemas: a local build regenerates
// stale ones (to commit); in CI (CI set) a stale one fails the build, so a schema edit pushed without its
// regenerated validators is caught even though the test suite runs after a build.
const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const stale = await writeValidators({ check: ci });
if (ci && stale.length) {
  console.error(`build: stale generated validators: ${stale.join(', ')} — run \`npm run gen\` and commit them`);
  process.exit(1);
}
for (const file of stale) console.error(`build: regenerated ${file} (commit it)`);

rmSync(outdir, { recursive: true, force: true });

// Some CommonJS dependencies call require(); give the ESM bundles one.
const banner = { js: "import { createRequire as __secgateCreateRequire } from 'node:module'; const require = __secgateCreateRequire(import.meta.url);" };

await build({
  entryPoints: [join(root, 'src/cli.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { __SECGATE_VERSION__: JSON.stringify(pkg.version) },
  banner,
  logLevel: 'warning',
});

// The config schema, generated from the same TypeScript the loader validates with.
const tmp = join(outdir, '.schema.mjs');
// The schema is composed from the runner registry (each runner's config keys), which pulls in execa.
await build({ entryPoints: [join(root, 'src/config/schema.ts')], outfile: tmp, bundle: true, format: 'esm', platform: 'node', banner, logLevel: 'warning' });
const { configSchema } = await import(pathToFileURL(tmp).href);
rmSync(tmp);
mkdirSync(join(root, 'schema'), { recursive: true });
writeFileSync(join(root, 'schema', 'secgate.schema.json'), `${JSON.stringify(configSchema, null, 2)}\n`);
