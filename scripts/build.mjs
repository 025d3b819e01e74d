// Builds the shipped JavaScript: bundles src/ into dist/ with esbuild, one entry for the CLI and one for the ONNX
// worker thread, split into chunks so that a command loads only the modules it uses (the CLI imports each command's
// modules when that command runs). npm dependencies stay external (node_modules). Runs on `npm install` / `npm ci`
// (the `prepare` script) and before `npm test`. Type checking is `npm run typecheck` (tsc), apart from the build.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
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
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
