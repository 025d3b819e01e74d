import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

test('the installed bin starts and prints the package version', () => {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  const run = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), version);
});

test('an unknown flag is a usage error with exit code 2 that names the flag', () => {
  const run = spawnSync(process.execPath, [bin, '--no-such-flag'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--no-such-flag/);
});
