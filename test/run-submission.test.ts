// Query splits without public annotations (VQAv2 test-dev / test, VizWiz test): the run writes the evaluation
// server's answers file beside the record, one per seed, and reports that there is no score.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { checkSubmissionTask, submissionPath } from '../src/run/submission.ts';
import { renderSummary, summaryRows } from '../src/run/summary.ts';
import type { Task, TaskData } from '../src/core/types.ts';
import { vqav2 } from '../src/tasks/vqav2.ts';

const BIN = new URL('../bin/flamingo-eval.js', import.meta.url).pathname;

function withResults(check: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamingo-submission-'));
    try {
      await check(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const run = (dir: string, flags: Record<string, unknown>) =>
  evaluate(parseRunOptions({ model: 'baseline:majority', resultsDir: dir, quiet: true, ...flags }));

test(
  'VQAv2 --split test-dev: one EvalAI answers file per seed beside the record, no metrics, a record of its own',
  withResults(async (dir) => {
    const [outcome] = await run(dir, { task: 'vqav2', split: 'test-dev', shots: '4', seeds: '42,43' });
    const { path, record } = outcome!;
    assert.match(path, new RegExp(`^${join(dir, 'baseline-majority')}/vqav2-4shot-test-dev-sample-[0-9a-f]{8}\\.json$`));
    assert.match(record.data.unannotated!.server, /visualqa\.org/);
    assert.deepEqual(record.summary.metrics, {});
    const testDev = await vqav2.load({ split: 'test-dev' });
    const test2015 = await vqav2.load({ split: 'test' });
    for (const trial of record.trials) {
      assert.deepEqual(trial.metrics, {});
      assert.equal(trial.n, testDev.query.length);
      assert.equal(trial.submission, submissionPath(path, trial.seed));
      assert.equal(trial.submission, path.replace(/\.json$/, `-seed${trial.seed}.submission.json`));
      const answers = JSON.parse(readFileSync(trial.submission!, 'utf8')) as { question_id: number; answer: string }[];
      // EvalAI wants every test2015 question: test-dev's with the run's answers, the others empty.
      assert.deepEqual(answers.map((a) => String(a.question_id)).sort(), test2015.query.map((e) => e.id).sort());
      assert.deepEqual(
        answers.slice(0, trial.n),
        trial.examples.map((example) => ({ question_id: Number(example.id), answer: example.answer })),
      );
      assert.ok(answers.slice(trial.n).every((a) => a.answer === ''));
      assert.equal(trial.submissionUnanswered, test2015.query.length - testDev.query.length);
      assert.ok(answers.every((a) => Number.isInteger(a.question_id) && typeof a.answer === 'string'));
    }
    // The record keeps where to upload, not the list of other questions.
    assert.deepEqual(Object.keys(record.data.unannotated!), ['server']);
    // A default (val) run is scored and does not overwrite the test-dev record.
    const [val] = await run(dir, { task: 'vqav2', shots: '4' });
    assert.match(val!.path, new RegExp(`^${join(dir, 'baseline-majority')}/vqav2-4shot-sample-[0-9a-f]{8}\\.json$`));
    assert.equal(typeof val!.record.summary.metrics.vqa_accuracy?.mean, 'number');
    assert.equal(val!.record.data.unannotated, undefined);
    assert.ok(existsSync(path));
  }),
);

test(
  'VizWiz --split test writes [{image, answer}] for the test images',
  withResults(async (dir) => {
    const [outcome] = await run(dir, { task: 'vizwiz', split: 'test', shots: '0' });
    const trial = outcome!.record.trials[0]!;
    const answers = JSON.parse(readFileSync(trial.submission!, 'utf8')) as { image: string; answer: string }[];
    assert.equal(answers.length, 10);
    assert.ok(answers.every((a) => /^VizWiz_test_\d{8}\.jpg$/.test(a.image) && typeof a.answer === 'string'));
    assert.deepEqual(
      answers.map((a) => a.image),
      trial.examples.map((example) => example.id),
    );
  }),
);

test(
  'the summary says there is no score, where the files are and where to upload them; a subset is flagged',
  withResults(async (dir) => {
    const outcomes = await run(dir, { task: 'vqav2', split: 'test', shots: '0', limit: '3' });
    const [row] = summaryRows(outcomes);
    assert.deepEqual(row!.submissions, [outcomes[0]!.record.trials[0]!.submission]);
    const text = renderSummary(outcomes, false);
    assert.match(text, /│ vqav2 │ 0 +│ no score │/);
    assert.match(text, /vqav2 0-shot: no score \(the split has no public answers\): submission written to .*vqav2-0shot-test-sample-limit\d+-[0-9a-f]{8}-seed42\.submission\.json; upload it to EvalAI's VQA challenge/);
    assert.match(text, /Only 3 questions were evaluated \(--limit \/ --protocol\): the file gives the other 22 an empty answer/);
    const answers = JSON.parse(readFileSync(row!.submissions![0]!, 'utf8')) as { answer: string }[];
    assert.equal(answers.length, 25, 'the file still lists every test2015 question');
    assert.equal(answers.filter((a) => a.answer === '').length >= 22, true);
  }),
);

test(
  'flamingo-eval --task vqav2 --split test-dev prints the submission line and exits 0',
  withResults(async (dir) => {
    const cli = spawnSync(
      process.execPath,
      [BIN, '--task', 'vqav2', '--split', 'test-dev', '--model', 'baseline:majority', '--results-dir', dir, '--json'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const [row] = JSON.parse(cli.stdout) as { submissions: string[]; server: string }[];
    assert.equal(row!.submissions.length, 1);
    assert.ok(existsSync(row!.submissions[0]!));
    assert.match(cli.stderr, /no score .*submission written to .*\(with an empty answer for the 15 other questions the server's file must list\)/);
  }),
);

test('a task whose split is unannotated but that cannot write a submission is refused before running', () => {
  const data = { support: [], query: [], files: [], sample: true, unannotated: { server: 'the server' } } as TaskData;
  const task = { ...vqav2, id: 'mine' } as Task;
  delete task.submission;
  assert.throws(() => checkSubmissionTask(task, data), (e: unknown) => e instanceof InputError && /task mine: .*no submission\(\)/.test(e.message));
  assert.doesNotThrow(() => checkSubmissionTask(vqav2, data));
  assert.doesNotThrow(() => checkSubmissionTask(task, { ...data, unannotated: undefined } as TaskData));
});
