// A multi-task run where every task fails on its data: the errors and exit code 2, and no empty summary table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flamingo-eval.js', import.meta.url));

test('every task failing prints the failures and no empty table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fe-all-failed-'));
  const data = mkdtempSync(join(dir, 'data-'));
  const argv = ['--task', 'okvqa,coco', '--shots', '0', '--model', 'baseline:majority', '--data', data];
  const run = spawnSync(process.execPath, [BIN, ...argv, '--results-dir', join(dir, 'results')], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /task okvqa failed: .*going on with the other tasks/);
  assert.match(run.stderr, /2 task\(s\) failed: okvqa \(.*\); coco \(/);
  assert.equal(run.stdout, '');
  assert.doesNotMatch(run.stderr, /^model: |^records: /m);
});
