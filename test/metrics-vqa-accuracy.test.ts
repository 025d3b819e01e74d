import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { vqaAccuracy } from '../src/metrics/vqa-accuracy.ts';
import type { AnswerItem } from '../src/metrics/types.ts';
import { rngFor, randomInt } from '../src/core/random.ts';

const one = (prediction: string, answers: string[], type?: string): AnswerItem => ({ id: 'q', prediction, answers, type });
const score = (prediction: string, answers: string[]) =>
  vqaAccuracy([one(prediction, answers)]).scores.vqa_accuracy as number;

// Ten answers with `k` copies of "cat" and the rest spread over other words (so the answers are not all identical).
const withMatches = (k: number) => [
  ...Array(k).fill('cat'),
  ...['dog', 'cow', 'pig', 'hen', 'owl', 'bee', 'ant', 'elk', 'emu', 'yak'].slice(0, 10 - k),
];

test('leave-one-out average of min(1, matches/3), worked by hand', () => {
  // 1 of 10 match: leaving out the matching one leaves 0 (0/3); leaving out any of the 9 others leaves 1 (1/3):
  // (0 + 9 * 1/3) / 10 = 0.3
  assert.equal(score('cat', withMatches(1)), 30);
  // 2 of 10: 2 subsets keep 1 match (1/3), 8 keep 2 (2/3): (2/3 + 16/3) / 10 = 0.6
  assert.equal(score('cat', withMatches(2)), 60);
  // 3 of 10: 3 subsets keep 2 (2/3), 7 keep 3 (1): (2 + 7) / 10 = 0.9
  assert.equal(score('cat', withMatches(3)), 90);
  // 4 of 10: every subset keeps at least 3: 1
  assert.equal(score('cat', withMatches(4)), 100);
  assert.equal(score('cat', withMatches(0)), 0);
});

test('the overall score is the mean of the questions and the types are averaged separately', () => {
  const result = vqaAccuracy([
    one('cat', withMatches(2), 'other'), // 0.6
    one('2', ['2', '2', '3', '3', '3', '3', '3', '3', '3', '3'], 'number'), // 2 of 10: 0.6
    one('yes', Array(10).fill('yes'), 'yes/no'), // 1
    one('no', Array(10).fill('yes'), 'yes/no'), // 0
  ]);
  // (0.6 + 0.6 + 1 + 0) / 4 = 0.55
  assert.ok(Math.abs((result.scores.vqa_accuracy as number) - 55) < 1e-12);
  assert.deepEqual(result.scores.vqa_accuracy_by_type, { other: 60, number: 60, 'yes/no': 50 });
  assert.equal(result.n, 4);
  assert.equal(result.perItem!.length, 4);
  assert.equal(result.perItem![2], 100);
});

test('normalisation is applied only when the human answers are not all identical', () => {
  // All ten "yes": the prediction is compared as it is (after strip), so "Yes" and "yes." score 0.
  assert.equal(score('Yes', Array(10).fill('yes')), 0);
  assert.equal(score('yes.', Array(10).fill('yes')), 0);
  assert.equal(score(' yes\n', Array(10).fill('yes')), 100);
  // One dissenting answer switches normalisation on for both sides: 9 of 10 match.
  const mixed = [...Array(9).fill('yes'), 'no'];
  assert.equal(score('Yes.', mixed), 100);
  // Number words and articles after normalisation: "Two" -> "2", "the dog" -> "dog".
  assert.equal(score('Two', ['2', '2', '2', '3', '3', '3', '3', '3', '3', '3']), 90);
  assert.equal(score('the dog', ['dog', 'a dog', 'dogs', 'cat', 'cat', 'cat', 'cat', 'cat', 'cat', 'cat']), 60);
  // Contractions: "dont" -> "don't" on both sides.
  assert.equal(score('dont', ["don't", 'dont', 'do not', 'no', 'no', 'no', 'no', 'no', 'no', 'no']), 60);
});

test('VizWiz "unanswerable" is an ordinary answer string', () => {
  const answers = ['unanswerable', 'unanswerable', 'unanswerable', 'unsuitable', 'blue', 'blue', 'blue', 'blue', 'blue', 'blue'];
  assert.equal(score('Unanswerable', answers), 90);
  const result = vqaAccuracy([one('unanswerable', answers, 'unanswerable')]);
  assert.deepEqual(result.scores.vqa_accuracy_by_type, { unanswerable: 90 });
});

test('edge cases: empty prediction, other answer counts, no types', () => {
  assert.equal(score('', withMatches(3)), 0);
  // One answer: the only leave-one-out subset is empty, so even an exact match scores 0 (the formula, unchanged).
  assert.equal(score('cat', ['cat']), 0);
  // Five answers, two match: 2 subsets keep 1 (1/3), 3 keep 2 (2/3): (2/3 + 2) / 5 = 8/15
  assert.ok(Math.abs(score('cat', ['cat', 'cat', 'dog', 'cow', 'pig']) - (100 * 8) / 15) < 1e-12);
  assert.equal(vqaAccuracy([one('cat', withMatches(3))]).scores.vqa_accuracy_by_type, undefined);
  assert.throws(() => vqaAccuracy([]), /no items/);
  assert.throws(() => vqaAccuracy([{ id: 'q9', prediction: 'x', answers: [] }]), /q9/);
});

test('equals the official script on generated data, to the last bit (fixture made with vqaEval.py)', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/vqa/official-vqaeval.json', import.meta.url), 'utf8'));
  const result = vqaAccuracy(fixture.items as AnswerItem[]);
  assert.equal(result.n, fixture.items.length);
  assert.deepEqual(result.perItem, fixture.perItem);
  assert.equal(result.scores.vqa_accuracy, fixture.vqa_accuracy);
  assert.deepEqual(result.scores.vqa_accuracy_by_type, fixture.vqa_accuracy_by_type);
});

test("normalization: 'open_flamingo' always normalises, and equals open_flamingo's vqa_metric.py bit for bit", () => {
  assert.equal(vqaAccuracy([one('Yes', Array(10).fill('yes'))], { normalization: 'open_flamingo' }).scores.vqa_accuracy, 100);
  assert.equal(vqaAccuracy([one('two', Array(10).fill('2'))], { normalization: 'open_flamingo' }).scores.vqa_accuracy, 100);
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/vqa/official-vqaeval.json', import.meta.url), 'utf8'));
  const result = vqaAccuracy(fixture.items as AnswerItem[], { normalization: 'open_flamingo' });
  assert.deepEqual(result.perItem, fixture.open_flamingo.perItem);
  assert.equal(result.scores.vqa_accuracy, fixture.open_flamingo.vqa_accuracy);
  assert.deepEqual(result.scores.vqa_accuracy_by_type, fixture.open_flamingo.vqa_accuracy_by_type);
  assert.notEqual(fixture.open_flamingo.vqa_accuracy, fixture.vqa_accuracy); // the fixture does tell them apart
});

test('properties: scores stay in 0..100 and the most frequent answer scores the maximum', () => {
  // Words that normalisation leaves alone, so that matching is plain string equality.
  const words = ['red', 'blue', 'green', '2', 'dog', 'yes'];
  for (let trial = 0; trial < 300; trial++) {
    const rng = rngFor('vqa-accuracy-property', trial);
    const answers = Array.from({ length: 10 }, () => words[randomInt(rng, words.length)]!);
    const per = words.map((w) => score(w, answers));
    for (const s of per) assert.ok(s >= 0 && s <= 100, `score ${s}`);
    const counts = words.map((w) => answers.filter((a) => a === w).length);
    const majority = words[counts.indexOf(Math.max(...counts))]!;
    // (Equal up to rounding: like the script, the subset values are summed in answer order.)
    assert.ok(Math.abs(score(majority, answers) - Math.max(...per)) < 1e-9);
    // More matching annotators never lowers the score.
    for (let i = 0; i < words.length; i++)
      for (let j = 0; j < words.length; j++) if (counts[i]! > counts[j]!) assert.ok(per[i]! > per[j]! || counts[j]! >= 4);
    assert.equal(score('zebra', answers), 0);
  }
});
