#!/usr/bin/env node
// Entry point: runs the compiled CLI (dist/, built from src/ by `npm install` or `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('flamingo-eval: dist/cli.js is missing: the package is not built; run `npm run build` in its folder\n');
  process.exit(1);
}
// A reader that stops early (`flamingo-eval tasks | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
