// Context use measured on real runs of the sample tasks: baseline:majority answers with its prompt's majority
// demonstration answer, so its copy rate and majority agreement are 100% wherever a prompt shows demonstrations;
// a backend that answers from the query's image alone copies at chance level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/run/evaluate.ts';
import { parseRunOptions } from '../src/run/options.ts';
import { builtinTasks } from '../src/tasks/index.ts';

const OPEN_ENDED = Object.values(builtinTasks).filter((task) => task.kind === 'generate').map((task) => task.id);

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'context-runs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('baseline:majority: copy rate and majority agreement 100% on every open-ended sample task, 0 and 4 shots', async (t) => {
  assert.ok(OPEN_ENDED.length >= 10, OPEN_ENDED.join(','));
  const outcomes = await evaluate(
    parseRunOptions({ task: OPEN_ENDED.join(','), model: 'baseline:majority', shots: '0,4', seeds: '1,2', resultsDir: scratch(t), quiet: true }),
  );
  assert.equal(outcomes.length, OPEN_ENDED.length * 2);
  for (const { record } of outcomes) {
    const where = `${record.task.id} ${record.shots}-shot`;
    for (const trial of record.trials) {
      const figures = trial.contextUse;
      assert.ok(figures, `${where}: figures`);
      // Every prompt shows demonstrations (0 shots: Flamingo's two text-only ones).
      assert.equal(figures.n, trial.n - trial.skipped, where);
      assert.equal(figures.copy, 100, where);
      assert.equal(figures.majority, 100, where);
      assert.equal(figures.answerInContext.yes.n + figures.answerInContext.no.n, figures.n, where);
      for (const example of trial.examples) assert.equal(example.demonstrationAnswers?.length, example.demonstrations.length, where);
    }
    assert.equal(record.summary.contextUse?.copy, 100, where);
  }
});

test('close-ended sample tasks get their figures too (a scorer that refuses a side leaves its score empty)', async (t) => {
  const closed = Object.values(builtinTasks).filter((task) => task.kind === 'rank' && task.maxShots !== 0).map((task) => task.id);
  const outcomes = await evaluate(
    parseRunOptions({ task: closed.join(','), model: 'baseline:majority', shots: '4', resultsDir: scratch(t), quiet: true }),
  );
  assert.deepEqual(outcomes.map(({ record }) => record.task.id), closed);
  for (const { record } of outcomes) {
    const figures = record.trials[0]!.contextUse!;
    assert.equal(figures.n, record.trials[0]!.n, record.task.id);
    for (const side of [figures.answerInContext.yes, figures.answerInContext.no]) {
      assert.ok(side.score === null || Number.isFinite(side.score), record.task.id);
      if (side.n === 0) assert.equal(side.score, null);
    }
  }
});

const SHAPES_TASK = new URL('./support/shapes-task.ts', import.meta.url).pathname;
const QUERY_IMAGE = new URL('./support/query-image-backend.ts', import.meta.url).pathname;

test('a backend answering from the query image alone copies at chance level; baseline:majority far above it', async (t) => {
  const resultsDir = scratch(t);
  const run = (model: string) =>
    evaluate(parseRunOptions({ task: SHAPES_TASK, model, shots: '4', seeds: '1,2', resultsDir, quiet: true }));
  const [blind] = await run(QUERY_IMAGE);
  const [majority] = await run('baseline:majority');
  const image = blind!.record.summary.contextUse!;
  assert.equal(blind!.record.summary.metrics.accuracy!.mean, 100, 'it knows every shape');
  // Eight shapes, four demonstrations: about 1 - (7/8)^4 = 41% of prompts show the query's shape.
  assert.ok(image.copyChance! > 30 && image.copyChance! < 50, String(image.copyChance));
  assert.ok(Math.abs(image.copy - image.copyChance!) < 5, `copy ${image.copy} vs chance ${image.copyChance}`);
  assert.ok(Math.abs(image.last - image.lastChance!) < 5, `last ${image.last} vs chance ${image.lastChance}`);
  assert.ok(Math.abs(image.majority - image.majorityChance!) < 5, `majority ${image.majority} vs chance ${image.majorityChance}`);
  // Its score does not depend on whether the answer is in context; the copying baseline's does.
  assert.equal(image.answerInContext.yes.score, 100);
  assert.equal(image.answerInContext.no.score, 100);
  const copying = majority!.record.summary.contextUse!;
  assert.equal(copying.copy, 100);
  assert.ok(copying.copy - copying.copyChance! > 40);
  assert.equal(copying.answerInContext.no.score, 0, 'the majority baseline cannot answer what no demonstration shows');
});
