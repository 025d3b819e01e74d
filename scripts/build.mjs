// Builds the shipped JavaScript: bundles src/ into dist/ with esbuild, one entry for the CLI and one for the ONNX
// worker thread, split into chunks so that a command loads only the modules it uses (the CLI imports each command's
// modules when that command runs). npm dependencies stay external (node_modules), but for commander. It also writes
// dist/task-catalogue.json, the built-in tasks' listing, which `flamingo-eval tasks` prints without loading them. Runs on `npm install` / `npm ci`
// (the `prepare` script) and before `npm test`. Type checking is `npm run typecheck` (tsc), apart from the build.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Bundled rather than loaded from node_modules: commander, which every command loads first. As a CommonJS package
// imported from ES modules it cost the CLI's start-up a CommonJS load and a scan of its exports (bench/startup.ts).
// So it is a devDependency: the published package carries it in dist/.
const BUNDLED = new Set(['commander']);
const external = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts', 'onnx-worker': 'src/backends/onnx/worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // The bundled CommonJS code requires Node's built-in modules (node:events, ...): give each ES module a require.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

// The catalogue: listTasks() run on the task modules just bundled (sample-data flags are set when the CLI runs).
// The bundle is written inside dist/, since the package root is found from a module's location.
const catalogueBuilder = join(outdir, 'catalogue-builder.mjs');
await build({
  absWorkingDir: root,
  entryPoints: ['src/tasks/listing.ts'],
  outfile: catalogueBuilder,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
try {
  const { listTasks } = await import(pathToFileURL(catalogueBuilder).href);
  // sampleData is written as false and set when the CLI runs (keeping the listing's key order).
  const catalogue = listTasks(undefined, () => false);
  writeFileSync(join(outdir, 'task-catalogue.json'), `${JSON.stringify(catalogue, null, 1)}\n`);
} finally {
  rmSync(catalogueBuilder, { force: true });
}
