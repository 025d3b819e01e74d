import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

// HatefulMemes is pointed at an empty data folder (--data hatefulmemes=<empty>): its files are missing, the task fails;
// coco and okvqa read their built-in sample data.
test('a multi-task run goes on past a failing task, reports the others, and exits 1 (something was done, something failed) naming the failure', () => {
  const results = mkdtempSync(join(tmpdir(), 'fe-failures-'));
  const empty = mkdtempSync(join(tmpdir(), 'fe-failures-empty-'));
  const args = [bin, '--task', 'coco,hatefulmemes,okvqa', '--shots', '0', '--limit', '2', '--model', 'baseline:majority', '--data', `hatefulmemes=${empty}`, '--results-dir', results, '--json'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /skipping hatefulmemes 0-shot: file .* not found anywhere under --data/);
  assert.match(run.stderr, /1 of 3 cells did not run: hatefulmemes 0-shot \(file /);
  // Under --json the table and the cells not run go to stderr.
  assert.match(run.stderr, /NOT RUN \(1 cell\):\n  hatefulmemes 0-shot: file .* not found anywhere under --data/);
  const summary = JSON.parse(run.stdout) as { task: string }[];
  assert.deepEqual(summary.map((row) => row.task), ['coco', 'okvqa']);
  assert.ok(readdirSync(join(results, 'baseline-majority')).some((name) => /^okvqa-0shot-sample-limit2-[0-9a-f]{8}\.json$/.test(name)));
});

test('a single failing task still fails at once with its own error', () => {
  const results = mkdtempSync(join(tmpdir(), 'fe-failures-'));
  const empty = mkdtempSync(join(tmpdir(), 'fe-failures-empty-'));
  const args = [bin, '--task', 'hatefulmemes', '--shots', '0', '--limit', '2', '--model', 'baseline:majority', '--data', `hatefulmemes=${empty}`, '--results-dir', results, '--quiet'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^flamingo-eval: file .* not found anywhere under --data/m);
});
