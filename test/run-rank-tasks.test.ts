// The close-ended image tasks through the run loop with the paper's options: RICES demonstrations and prompt
// ensembling on ImageNet, the openflamingo style's separator, and the journal resuming an ensembled run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';

const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'flamingo-rank-tasks-'));
}

test('ImageNet with RICES and --prompt-ensemble 6: the RICES order first, then distinct reorderings, scores averaged', async () => {
  const dir = tempDir();
  try {
    const options = { task: 'imagenet', model: TEST_BACKEND, shots: '4', limit: '6', sampler: 'rices', resultsDir: dir, quiet: true, taskArg: ['imagenet.keep-all-scores=true'] };
    const [plain] = await evaluate(parseRunOptions(options));
    const [ensembled] = await evaluate(parseRunOptions({ ...options, promptEnsemble: '6' }));
    assert.notEqual(plain!.path, ensembled!.path);
    assert.match(ensembled!.path, /imagenet-4shot-rices-ensemble6-sample-limit6-[0-9a-f]{8}\.json$/);
    const plainExamples = plain!.record.trials[0]!.examples;
    for (const [i, example] of ensembled!.record.trials[0]!.examples.entries()) {
      // The same RICES demonstrations, in the same order, as the plain run.
      assert.deepEqual(example.demonstrations, plainExamples[i]!.demonstrations);
      assert.deepEqual(example.permutations![0], example.demonstrations);
      assert.equal(example.permutations!.length, 6);
      assert.equal(new Set(example.permutations!.map((p) => p.join())).size, 6);
      assert.equal(example.candidateScores!.length, 6);
      // Averaging over orderings changes the scores (the test backend's scores depend on the whole prompt).
      assert.notDeepEqual(example.candidateScores, plainExamples[i]!.candidateScores);
    }
    assert.equal(ensembled!.record.config.sampler, 'rices');
    assert.ok(Number.isFinite(ensembled!.record.summary.metrics.top1_accuracy!.mean));
    // Running it again resumes everything from the journal: the same record.
    const [again] = await evaluate(parseRunOptions({ ...options, promptEnsemble: '6' }));
    assert.equal(again!.record.timings.resumedExamples, 6);
    assert.deepEqual(again!.record.trials, ensembled!.record.trials);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('VisDial and Hateful Memes run in the openflamingo style: candidates appended without a space, bare in the record', async () => {
  const dir = tempDir();
  try {
    const outcomes = await evaluate(
      parseRunOptions({ task: 'visdial,hatefulmemes', model: TEST_BACKEND, shots: '2', limit: '5', promptStyle: 'openflamingo', resultsDir: dir, quiet: true }),
    );
    assert.deepEqual(outcomes.map((o) => o.record.task.id), ['visdial', 'hatefulmemes']);
    for (const { record } of outcomes) {
      assert.equal(record.config.promptStyle, 'openflamingo');
      for (const example of record.trials[0]!.examples) {
        assert.doesNotMatch(example.answer, /^ /);
        const last = example.prompt[example.prompt.length - 1]!;
        assert.ok(last.type === 'text' && /(Short answer|Answer):$/.test(last.text), 'the query ends where the candidate goes');
      }
    }
    assert.ok(outcomes[0]!.record.trials[0]!.examples.every((e) => e.candidateScores!.length === 100));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
