import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/core/errors.ts';
import { vizwizAccuracy, vizwizQuestionAccuracy } from '../src/metrics/vizwiz-accuracy.ts';
import { vqaAccuracy } from '../src/metrics/vqa-accuracy.ts';

const ten = (...groups: [string, number][]) => groups.flatMap(([answer, n]) => Array<string>(n).fill(answer));

test('leave-one-out over the ten answers: min(1, matches among the other nine / 3), averaged', () => {
  assert.equal(vizwizQuestionAccuracy({ id: 'a', prediction: 'red', answers: ten(['red', 10]) }), 1);
  // Three "red": each of the 3 red annotators left out sees 2 (2/3), the 7 others see 3 (1): (3*2/3 + 7) / 10.
  assert.equal(vizwizQuestionAccuracy({ id: 'b', prediction: 'red', answers: ten(['red', 3], ['blue', 7]) }), (2 + 7) / 10);
  assert.equal(vizwizQuestionAccuracy({ id: 'c', prediction: 'red', answers: ten(['red', 1], ['blue', 9]) }), (0 + 9 / 3) / 10);
  assert.equal(vizwizQuestionAccuracy({ id: 'd', prediction: 'green', answers: ten(['red', 10]) }), 0);
});

test('the prediction is always normalised, the human answers never', () => {
  // All ten identical: vqaEval.py would not normalise "Unanswerable." and score 0; the VizWiz script does.
  const item = { id: 'u', prediction: 'Unanswerable.', answers: ten(['unanswerable', 10]) };
  assert.equal(vizwizQuestionAccuracy(item), 1);
  assert.equal(vqaAccuracy([item]).scores.vqa_accuracy, 0);
  assert.equal(vizwizQuestionAccuracy({ id: 'n', prediction: 'Two', answers: ten(['2', 10]) }), 1);
  // A human answer written "Coca Cola" never matches: the prediction is lower-cased, the answer is not.
  assert.equal(vizwizQuestionAccuracy({ id: 'k', prediction: 'Coca Cola', answers: ten(['Coca Cola', 10]) }), 0);
  assert.equal(vizwizQuestionAccuracy({ id: 'k2', prediction: 'the coca-cola', answers: ten(['coca cola', 10]) }), 1);
});

test('corpus: percent, per answer type (unanswerable is one), per item; errors name the item', () => {
  const result = vizwizAccuracy([
    { id: '1', prediction: 'unanswerable', answers: ten(['unanswerable', 10]), type: 'unanswerable' },
    { id: '2', prediction: 'yes', answers: ten(['no', 10]), type: 'yes/no' },
    { id: '3', prediction: 'blue', answers: ten(['blue', 3], ['navy', 7]), type: 'other' },
  ]);
  assert.equal(result.n, 3);
  assert.deepEqual(result.perItem, [100, 0, 90]);
  assert.equal(result.scores.vqa_accuracy, (100 * (1 + 0 + 0.9)) / 3);
  assert.deepEqual(result.scores.vqa_accuracy_by_type, { unanswerable: 100, 'yes/no': 0, other: 90 });
  assert.throws(() => vizwizAccuracy([]), InputError);
  assert.throws(() => vizwizAccuracy([{ id: 'q7', prediction: 'x', answers: [] }]), /item q7 has no reference answers/);
});

test('matches the VizWiz evaluation script (Python) on 400 generated questions, item for item', async () => {
  // Expected values: the accuracy loop and normalisation of the VizWiz API's VQAEval.evaluate, transcribed line for
  // line into Python 3 outside the project and run on these items (predictions and answers in different cases, with
  // punctuation, articles, number words, "dont", commas between digits); the generator is not part of the project.
  const { readFile } = await import('node:fs/promises');
  const fixture = JSON.parse(await readFile(new URL('./fixtures/vizwiz/vizwiz-eval-expected.json', import.meta.url), 'utf8')) as {
    items: { id: string; prediction: string; answers: string[]; expected: number }[];
    overall: number;
  };
  const result = vizwizAccuracy(fixture.items);
  fixture.items.forEach((item, i) => assert.equal(result.perItem![i], 100 * item.expected, `item ${item.id}: ${JSON.stringify(item.prediction)}`));
  assert.equal(Math.round(result.scores.vqa_accuracy as number * 100) / 100, fixture.overall);
});
