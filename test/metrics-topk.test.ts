import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationAccuracy, topKAccuracy, type RankedItem } from '../src/metrics/top-k.ts';

const ranked = (id: string, label: string, ranking: string[]): RankedItem => ({ id, label, ranking });
const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

test('top-1, top-5 and their mean, worked by hand', () => {
  const items = [
    ranked('1', 'a', classes), // label first: top-1 and top-5
    ranked('2', 'e', classes), // label fifth: top-5 only
    ranked('3', 'f', classes), // label sixth: neither
    ranked('4', 'b', ['b', 'a']), // short ranking, label first
  ];
  // top-1: 2/4 = 50%; top-5: 3/4 = 75%; mean 62.5
  const result = classificationAccuracy(items);
  assert.deepEqual(result.scores, { top1_accuracy: 50, top5_accuracy: 75, top1_top5_avg_accuracy: 62.5 });
  assert.deepEqual(result.perItem, [100, 0, 0, 100]);
  assert.equal(result.n, 4);
  assert.equal(topKAccuracy(items, 6), 100);
});

test('a label missing from the ranking is never correct; bad k and empty input are errors', () => {
  assert.equal(topKAccuracy([ranked('1', 'z', classes)], 7), 0);
  assert.throws(() => topKAccuracy([ranked('1', 'a', classes)], 0), /k must be a positive integer/);
  assert.throws(() => topKAccuracy([], 1), /no items/);
});

test('properties: top-k is non-decreasing in k and bounded by 0..100', () => {
  const items = classes.map((label, i) => ranked(String(i), label, [...classes].reverse()));
  let previous = 0;
  for (let k = 1; k <= classes.length; k++) {
    const value = topKAccuracy(items, k);
    assert.ok(value >= previous && value <= 100);
    previous = value;
  }
  assert.equal(previous, 100);
});
