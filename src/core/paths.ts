// The package's own folder, found from this module's location: the same code runs from src/ (tests, development)
// and bundled into dist/ (the installed CLI), at different depths, so files the package ships (models/, sample-data/,
// package.json, the report's script and style, the published numbers) are addressed from the package root.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'flamingo-eval') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`flamingo-eval: cannot find the package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The folder holding flamingo-eval's package.json. */
export const PACKAGE_ROOT = findPackageRoot();

/** A file or folder the package ships, by its path from the package root (`models/`, `src/report/report.css`). */
export function packagePath(path: string): string {
  return join(PACKAGE_ROOT, path);
}
