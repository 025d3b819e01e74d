// Classification records (ImageNet, Kinetics-700) keep the top 5 candidates and the correct class's rank and score per
// example, not a score per class; --task-arg imagenet.keep-all-scores=true keeps them all; the metrics can be recomputed from either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { mergeShards } from '../src/run/merge.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { rescoreClassRecord } from '../src/tasks/kit/task-score.ts';

const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

async function run(flags: Record<string, unknown>) {
  const [outcome] = await evaluate(
    parseRunOptions({ task: 'imagenet', model: TEST_BACKEND, shots: '2', seeds: '42,43', quiet: true, ...flags }),
  );
  return outcome!;
}

test('an ImageNet record keeps the top 5 and the gold rank; keep-all-scores keeps every score; both give the metrics', async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'flamingo-class-records-'));
  const all = await run({ resultsDir, taskArg: ['imagenet.keep-all-scores=true'] });
  const compact = await run({ resultsDir });
  assert.equal(compact.path, all.path, 'the same configuration: one record, rewritten');
  assert.equal(compact.record.timings.resumedExamples, compact.record.trials.reduce((n, t) => n + t.n, 0));
  assert.deepEqual(all.record.config.taskArgs, { 'keep-all-scores': true });
  assert.deepEqual(compact.record.config.taskArgs, { 'keep-all-scores': false });
  compact.record.trials.forEach((trial, t) => {
    assert.deepEqual(trial.metrics, all.record.trials[t]!.metrics);
    for (const [i, example] of trial.examples.entries()) {
      const full = all.record.trials[t]!.examples[i]!;
      const scores = full.candidateScores!;
      assert.equal(scores.length, 6);
      assert.equal(example.candidateScores, undefined);
      // The top 5, best first, are the five highest scores; the raw answer is the first of them.
      assert.deepEqual(example.topCandidates!.map((c) => c.score), [...scores].sort((a, b) => b - a).slice(0, 5));
      assert.equal(example.topCandidates![0]!.candidate, example.raw);
      // The gold's rank counts the scores above it (and equal scores of earlier classes, as the scorer orders ties).
      assert.equal(example.gold!.candidate, full.target);
      assert.ok(example.gold!.rank >= 1 + scores.filter((s) => s > example.gold!.score).length);
      assert.ok(example.gold!.rank <= scores.filter((s) => s >= example.gold!.score).length);
      assert.ok(scores.includes(example.gold!.score));
      assert.equal(example.score, full.score);
    }
    const rescored = rescoreClassRecord(trial.examples, 'top1_accuracy');
    assert.deepEqual(rescored.metrics, trial.metrics);
  });
  assert.throws(() => rescoreClassRecord(all.record.trials[0]!.examples, 'top1_accuracy'), /has no "gold" rank/);
});

test('shards keep every score for the merge, which writes the compact record of a single run', async () => {
  const flags = { limit: '12' };
  const whole = await run({ ...flags, resultsDir: mkdtempSync(join(tmpdir(), 'flamingo-class-records-')) });
  const shards: string[] = [];
  for (const index of [1, 2]) {
    const resultsDir = mkdtempSync(join(tmpdir(), 'flamingo-class-shards-'));
    assert.deepEqual(await evaluate(parseRunOptions({ task: 'imagenet', model: TEST_BACKEND, shots: '2', seeds: '42,43', quiet: true, ...flags, resultsDir, shard: `${index}/2` })), []);
    shards.push(whole.path.replace(/^.*\//, `${resultsDir}/test-backend/`).replace(/\.json$/, `.shard${index}of2.json`));
  }
  const [merged] = await mergeShards(shards, { output: mkdtempSync(join(tmpdir(), 'flamingo-class-merged-')) });
  assert.deepEqual(merged!.record.trials.map((t) => t.metrics), whole.record.trials.map((t) => t.metrics));
  assert.deepEqual(merged!.record.trials[0]!.examples.map((e) => e.gold), whole.record.trials[0]!.examples.map((e) => e.gold));
  assert.ok(merged!.record.trials[0]!.examples.every((e) => e.candidateScores === undefined && e.topCandidates!.length === 5));
  assert.ok(statSync(merged!.path).size > 0);
});
