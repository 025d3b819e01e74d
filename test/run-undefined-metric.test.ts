// A metric undefined on the evaluated set (ROC-AUC with one class present, mWAP without a positive, NDCG without a
// relevant candidate) does not end the run after the work: the record is written with the value null and the reason,
// the summary and the leaderboard show n/a with the reason, and the run exits 0 with a warning naming the task and
// what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UndefinedMetricError, isUndefinedMetric } from '../src/core/errors.ts';
import { mwap } from '../src/metrics/mwap.ts';
import { rocAuc } from '../src/metrics/roc-auc.ts';
import { visdialNdcg } from '../src/metrics/ndcg.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

test('the scorers say "undefined" with their own error class', () => {
  assert.throws(() => rocAuc([{ id: 'a', score: 1, label: 1 }, { id: 'b', score: 0, label: 1 }]), (e: unknown) => e instanceof UndefinedMetricError && /only one class/.test((e as Error).message));
  assert.throws(() => mwap([{ id: 'r', video: 'v', verb: 'blend', noun: 'phone', classId: 0, annotation: 0, scores: [0.5] }]), (e: unknown) => isUndefinedMetric(e) && /mWAP is undefined/.test((e as Error).message));
  assert.throws(() => visdialNdcg([{ id: 'd', scores: [1, 2], relevance: [0, 0] }]), (e: unknown) => isUndefinedMetric(e));
});

test('hatefulmemes --limit 2 (one class): exit 0, the record holds null and the reason, summary and leaderboard say n/a', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'undefined-metric-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [BIN, '--task', 'hatefulmemes', '--limit', '2', '--model', 'baseline:majority', '--results-dir', dir], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /│ hatefulmemes │ 0\s+│ roc_auc │ n\/a/);
  assert.match(run.stdout, /hatefulmemes 0-shot: n\/a: ROC-AUC is undefined when only one class is present/);
  assert.match(run.stderr, /warning: hatefulmemes 0-shot: roc_auc is n\/a: .*Evaluate more queries \(a larger --limit, or the whole split without --limit\)/);

  const folder = join(dir, 'baseline-majority');
  const [file] = readdirSync(folder).filter((f) => f.endsWith('.json'));
  const record = JSON.parse(readFileSync(join(folder, file!), 'utf8'));
  assert.deepEqual(
    { mean: record.summary.metrics.roc_auc.mean, std: record.summary.metrics.roc_auc.std },
    { mean: null, std: null },
  );
  assert.match(record.summary.metrics.roc_auc.undefined, /only one class is present/);
  assert.equal(record.trials[0].metrics.roc_auc, null);
  assert.equal(record.trials[0].examples.length, 2, 'the answers are kept');

  const board = spawnSync(process.execPath, [BIN, 'leaderboard', dir], { encoding: 'utf8' });
  assert.equal(board.status, 0, board.stderr);
  assert.match(board.stdout, /n\/a ¤/);
  assert.match(board.stdout, /¤ n\/a: the metric is undefined on the queries evaluated \(ROC-AUC is undefined/);
  const csv = spawnSync(process.execPath, [BIN, 'leaderboard', dir, '--format', 'csv'], { encoding: 'utf8' });
  const [header, row] = csv.stdout.trim().split('\n').map((line) => line.split(','));
  assert.equal(row![header!.indexOf('mean')], '');
  assert.equal(row![header!.indexOf('data')], 'sample n/a');
});
