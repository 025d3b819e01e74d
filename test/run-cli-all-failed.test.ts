// A multi-task run where every task fails on its data: the errors and exit code 2 (nothing ran, the input must change),
// what did not run and why, and no empty summary table.
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
  assert.match(run.stderr, /skipping okvqa 0-shot: .*going on with the others/);
  assert.match(run.stderr, /2 of 2 cells did not run: okvqa 0-shot \(.*\); coco 0-shot \(/);
  // No table, only what did not run and why; no progress line for a run with nothing to do.
  assert.match(run.stdout, /^NOT RUN \(2 cells\):\n  okvqa 0-shot: file OpenEnded_mscoco_train2014_questions\.json .*\n  coco 0-shot: file dataset_coco\.json /);
  assert.doesNotMatch(run.stderr, /0\/0/);
  assert.doesNotMatch(run.stderr, /^model: |^records: /m);
});
