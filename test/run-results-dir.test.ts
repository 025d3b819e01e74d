// --results-dir that cannot be created or written is a usage error naming the flag, at once (Node's recursive mkdir
// never returns under /proc, so this spawns the CLI with a time limit rather than hanging the test runner).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunOptions } from '../src/run/options.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

test('--results-dir under /proc fails fast with exit 2, naming the flag', () => {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BIN, '--task', 'okvqa', '--results-dir', '/proc/flamingo-eval/results'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(result.signal, null, `the CLI did not return within 30 s (${Date.now() - started} ms)`);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /--results-dir \/proc\/flamingo-eval\/results: cannot create \/proc\/flamingo-eval/);
});

test('--results-dir in a folder that cannot be written is a usage error naming the flag', { skip: process.getuid?.() === 0 && 'root writes anywhere' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'results-dir-'));
  chmodSync(dir, 0o555);
  try {
    assert.throws(() => parseRunOptions({ task: 'okvqa', resultsDir: join(dir, 'results') }), /^UsageError: --results-dir .*cannot create/);
  } finally {
    chmodSync(dir, 0o755);
  }
});

test('--results-dir that does not exist yet is created, levels and all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'results-dir-'));
  const options = parseRunOptions({ task: 'okvqa', resultsDir: join(dir, 'a', 'b') });
  assert.equal(options.resultsDir, join(dir, 'a', 'b'));
});
