import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy } from '../src/metrics/accuracy.ts';
import { ivqaAccuracy } from '../src/metrics/ivqa-accuracy.ts';
import type { AnswerItem } from '../src/metrics/types.ts';

const item = (id: string, prediction: string, answers: string[], type?: string): AnswerItem => ({ id, prediction, answers, type });

test('accuracy: correct when the normalised prediction equals a normalised answer', () => {
  const result = accuracy([
    item('a', 'Two.', ['2'], 'count'), // "two." -> "2": correct
    item('b', 'the dog', ['dog'], 'what'), // article dropped: correct
    item('c', 'cat', ['dog'], 'what'), // wrong
    item('d', 'dont know', ["don't know", 'unsure'], 'what'), // contraction expanded; matches the first: correct
  ]);
  // 3 of 4 correct = 75%; by type: count 1/1 = 100, what 2/3 = 66.66...
  assert.equal(result.scores.accuracy, 75);
  assert.deepEqual(result.scores.accuracy_by_type, { count: 100, what: 200 / 3 });
  assert.deepEqual(result.perItem, [100, 100, 0, 100]);
  assert.equal(result.n, 4);
});

test('accuracy: normalisation runs even with a single answer (unlike the VQA script), and edges', () => {
  assert.equal(accuracy([item('a', 'Yes', ['yes'])]).scores.accuracy, 100);
  assert.equal(accuracy([item('a', '', ['yes'])]).scores.accuracy, 0);
  assert.equal(accuracy([item('a', '', [''])]).scores.accuracy, 100);
  assert.equal(accuracy([item('a', 'yes', ['yes'])]).scores.accuracy_by_type, undefined);
  assert.throws(() => accuracy([]), /no items/);
  assert.throws(() => accuracy([item('v1_q3', 'x', [])]), /v1_q3/);
});

test('iVQA: min(1, matching annotators / 2), no leave-one-out', () => {
  const answers = ['cutting', 'cutting', 'slicing', 'chopping', 'knife'];
  const per = (prediction: string) => ivqaAccuracy([item('q', prediction, answers)]).scores.ivqa_accuracy;
  assert.equal(per('cutting'), 100); // 2 annotators: min(1, 2/2) = 1
  assert.equal(per('slicing'), 50); // 1 annotator: 1/2
  assert.equal(per('Slicing.'), 50); // normalised before matching
  assert.equal(per('peeling'), 0);
  assert.equal(per(''), 0);
  assert.equal(ivqaAccuracy([item('q', 'a', ['a', 'a', 'a', 'a', 'a'])]).scores.ivqa_accuracy, 100); // capped at 1
});

test('iVQA: corpus mean and per-type means, worked by hand', () => {
  const result = ivqaAccuracy([
    item('1', 'red', ['red', 'red', 'blue', 'blue', 'green'], 'color'), // 1
    item('2', 'blue', ['red', 'red', 'blue', 'pink', 'green'], 'color'), // 0.5
    item('3', 'two', ['2', '3', '4', '5', '6'], 'count'), // "two" -> "2": 0.5
  ]);
  // (1 + 0.5 + 0.5) / 3 = 2/3; color (1 + 0.5) / 2 = 0.75; count 0.5
  assert.equal(result.scores.ivqa_accuracy, 200 / 3);
  assert.deepEqual(result.scores.ivqa_accuracy_by_type, { color: 75, count: 50 });
  assert.deepEqual(result.perItem, [100, 50, 50]);
  assert.throws(() => ivqaAccuracy([]), /no items/);
});

test('properties: bounds, and a prediction equal to an answer is never wrong', () => {
  const words = ['red', 'Blue', 'two', '2', 'the cat', 'cat.'];
  for (const p of words)
    for (const a of words) {
      const acc = accuracy([item('q', p, [a, 'zebra'])]).scores.accuracy as number;
      const ivqa = ivqaAccuracy([item('q', p, [a, a, 'x', 'y', 'z'])]).scores.ivqa_accuracy as number;
      assert.ok(acc === 0 || acc === 100);
      assert.ok(ivqa >= 0 && ivqa <= 100);
      if (p === a) {
        assert.equal(acc, 100);
        assert.equal(ivqa, 100);
      }
    }
});
