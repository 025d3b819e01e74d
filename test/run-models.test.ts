// `run --model a,b,c`: every model gets the same queries and, per seed, the same demonstrations; one record per model;
// backend arguments go to the backend they name; one progress display for the whole run; a model that fails to load,
// or a cell with too few demonstrations, is reported and skipped while the others finish, and the run exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { evaluate, TaskFailures } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { UsageError } from '../src/core/errors.ts';

const FAKE_TASK = new URL('./support/fake-task.ts', import.meta.url).pathname;
const TEST_BACKEND = new URL('./support/test-backend.ts', import.meta.url).pathname;
const ARGS_BACKEND = new URL('./support/args-backend.ts', import.meta.url).pathname;
const BROKEN_BACKEND = new URL('./support/broken-backend.ts', import.meta.url).pathname;
const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

const tempDir = () => mkdtempSync(join(tmpdir(), 'fe-models-'));

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

test('several models: the same queries and, per seed, the same demonstrations; one record per model', async () => {
  const outcomes = await evaluate(
    parseRunOptions({ task: FAKE_TASK, model: `${TEST_BACKEND},${ARGS_BACKEND}`, shots: '0,2', seeds: '1,2', limit: '6', resultsDir: tempDir(), quiet: true }),
  );
  assert.deepEqual(
    outcomes.map(({ record }) => `${record.model.name} ${record.shots}`),
    ['test-backend 0', 'test-backend 2', 'args-backend 0', 'args-backend 2'],
  );
  const demos = (i: number) => outcomes[i]!.record.trials.map((trial) => [trial.seed, trial.examples.map((e) => [e.id, e.demonstrations])]);
  assert.deepEqual(demos(2), demos(0));
  assert.deepEqual(demos(3), demos(1));
  // The seeds do draw different demonstrations, so equal draws across models are not a coincidence.
  assert.notDeepEqual(outcomes[1]!.record.trials[0]!.examples.map((e) => e.demonstrations), outcomes[1]!.record.trials[1]!.examples.map((e) => e.demonstrations));
  assert.equal(outcomes[1]!.record.trials[0]!.examples.length, 6);
});

test('backend arguments go to the backend they name; an unnamed one is refused when the models differ in backend', async () => {
  const results = tempDir();
  const outcomes = await evaluate(
    parseRunOptions({ task: FAKE_TASK, model: `${TEST_BACKEND},${ARGS_BACKEND}`, modelArg: ['argtest.temperature=0.5'], limit: '2', resultsDir: results, quiet: true }),
  );
  assert.deepEqual(outcomes[1]!.record.config.modelArgs, { temperature: 0.5, verbose: false });
  assert.match(outcomes[1]!.record.trials[0]!.examples[0]!.raw, /t=0\.5$/);
  assert.deepEqual(outcomes[0]!.record.config.modelArgs, {});
  await assert.rejects(
    evaluate(parseRunOptions({ task: FAKE_TASK, model: `${TEST_BACKEND},${ARGS_BACKEND}`, modelArg: ['temperature=0.5'], resultsDir: results, quiet: true })),
    (error: unknown) => error instanceof UsageError && /this run has 2 backends \(test, argtest\): name the one it is for/.test(error.message),
  );
});

test('a model that fails to load is reported and skipped; the other models finish; one progress display', async () => {
  const err = capture();
  const options = parseRunOptions({ task: FAKE_TASK, model: `${BROKEN_BACKEND},${TEST_BACKEND}`, shots: '0,2', limit: '4', resultsDir: tempDir() });
  await assert.rejects(evaluate(options, { stderr: err.stream }), (error: unknown) => {
    assert.ok(error instanceof TaskFailures);
    assert.equal(error.exitCode, 1);
    assert.deepEqual(error.outcomes.map(({ record }) => `${record.model.name} ${record.shots}`), ['test-backend 0', 'test-backend 2']);
    assert.deepEqual(error.failures.map((f) => [f.model, f.task, f.shots]), [[BROKEN_BACKEND, 'fake-colours', 0], [BROKEN_BACKEND, 'fake-colours', 2]]);
    assert.match(error.message, /2 of 4 cells did not run: .*broken-backend\.ts fake-colours 0-shot \(model .* could not be used: broken backend: cannot open its weights\)/);
    return true;
  });
  const lines = err.text().split('\n');
  // One display for the whole run: its total is every cell's examples (2 models x 2 shots x 4 queries), less the
  // broken model's, which leave it when it fails to load (before its cells are counted as begun).
  assert.ok(lines.some((line) => /^flamingo-eval: skipping .*broken-backend\.ts fake-colours \(2 cells: 0-shot, 2-shot\): model .* could not be used/.test(line)), err.text());
  assert.match(lines.find((line) => line.startsWith('[3/4]'))!, /test-backend\.ts fake-colours 0-shot 0\/8 /);
  assert.ok(lines.some((line) => /^\[4\/4\] .*test-backend\.ts fake-colours 2-shot 8\/8 \(100%\)/.test(line)), err.text());
});

test('too few demonstrations: that cell is skipped with advice that can work, the others finish, exit 1 and a summary', () => {
  const results = tempDir();
  const run = spawnSync(process.execPath, [BIN, '--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '0,2,500', '--limit', '3', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /│ fake-colours │ 0 /);
  assert.match(run.stdout, /│ fake-colours │ 2 /);
  assert.match(run.stdout, /NOT RUN \(1 cell\):\n  fake-colours 500-shot: --shots 500: query \S+ of task fake-colours has only \d+ eligible demonstrations/);
  // The pool is already the whole support split (of sample data): a larger --support-size cannot help.
  const advice = /NOT RUN.*\n  fake-colours 500-shot: (.*)/.exec(run.stdout)![1]!;
  assert.match(advice, /use --shots 60 or fewer \(the most every query allows in the pools of --seeds 42\), or the official files \(--data <dir>\): the built-in sample's train split has only 60 items$/);
  assert.doesNotMatch(advice, /support-size/);
  // A pool smaller than the split: a larger --support-size can help, up to the split's size.
  const small = spawnSync(process.execPath, [BIN, '--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '20', '--support-size', '10', '--limit', '3', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(small.status, 2);
  // Zero shots: the text-only demonstrations are what can be lowered.
  const zero = spawnSync(process.execPath, [BIN, '--task', FAKE_TASK, '--model', TEST_BACKEND, '--shots', '0', '--zero-shot-text-demos', '100', '--seeds', '1,2', '--limit', '3', '--results-dir', results], { encoding: 'utf8' });
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /--shots 0: query \S+ of task fake-colours has only 60 eligible demonstrations in a support pool of 60 \(seed 1\); use --zero-shot-text-demos 60 or fewer\n/);
  assert.match(small.stderr, /use --shots 10 or fewer \(the most every query allows in the pools of --seeds 42\), or a larger --support-size \(up to \d+, the \w+ split's size\)/);
});
