import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rocAuc, type RocItem } from '../src/metrics/roc-auc.ts';
import { numpySum } from '../src/metrics/numeric/numpy-sum.ts';

const official = JSON.parse(readFileSync(new URL('./fixtures/score/official-values.json', import.meta.url), 'utf8'));

const items = (scores: number[], labels: (0 | 1)[]): RocItem[] => scores.map((score, i) => ({ id: `m${i}`, score, label: labels[i]! }));
const auc = (scores: number[], labels: (0 | 1)[]) => rocAuc(items(scores, labels)).scores.roc_auc as number;

test('hand-worked: the fraction of (positive, negative) pairs ranked correctly, x100', () => {
  // positives 0.35, 0.8; negatives 0.1, 0.4. Pairs: (0.35>0.1) yes, (0.35>0.4) no, (0.8>0.1) yes, (0.8>0.4) yes
  // -> 3/4 = 0.75 -> 75 (sklearn's docstring example gives 0.75 too).
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 75);
});

test('ties count one half: tied scores form one threshold and the trapezoid splits the pair', () => {
  // positives 0.9, 0.5; negatives 0.5, 0.1. Pairs: 1 + 1 + 0.5 (0.5 vs 0.5) + 1 = 3.5 / 4 = 0.875.
  assert.equal(auc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]), 87.5);
  // All scores tied: one diagonal segment, area 0.5.
  assert.equal(auc([0.3, 0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1, 1]), 50);
});

test('bounds: a perfect ranking is 100, a reversed one 0, and the order of items does not matter', () => {
  assert.equal(auc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 100);
  assert.equal(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  const scores = [0.3, 0.7, 0.7, 0.1, 0.9, 0.3, 0.5];
  const labels: (0 | 1)[] = [0, 1, 0, 0, 1, 1, 0];
  const order = [6, 2, 4, 0, 5, 1, 3];
  assert.equal(auc(order.map((i) => scores[i]!), order.map((i) => labels[i]!)), auc(scores, labels));
  // A monotone transform of the scores keeps the AUC.
  assert.equal(auc(scores.map((s) => Math.exp(3 * s)), labels), auc(scores, labels));
});

test('only one class present is an error that says so', () => {
  assert.throws(() => auc([0.1, 0.2], [1, 1]), /only one class.*label 1/);
  assert.throws(() => auc([0.1, 0.2], [0, 0]), /only one class.*label 0/);
  assert.throws(() => rocAuc([]), /only one class/);
});

test('a non-finite score or a label other than 0/1 is rejected with the item id', () => {
  assert.throws(() => auc([0.1, NaN], [0, 1]), /id m1/);
  assert.throws(() => rocAuc([{ id: 'a', score: 1, label: 2 as 0 }, { id: 'b', score: 0, label: 0 }]), /id a.*label 2/);
});

// Same formulas as the generator that produced the expected values with scikit-learn (see the fixture's "source").
function sklearnCase(n: number, m: number): { scores: number[]; labels: (0 | 1)[] } {
  const labels = Array.from({ length: n }, (_, i) => ((i * 37) % 11 < 5 ? 1 : 0) as 0 | 1);
  const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % m) / m);
  return { scores, labels };
}

test('equals sklearn.metrics.roc_auc_score bit for bit (many ties, few ties)', () => {
  for (const [name, expected] of Object.entries(official.roc) as [string, number][]) {
    const [n, m] = name.split('_').map(Number) as [number, number];
    const { scores, labels } = sklearnCase(n, m);
    assert.equal(auc(scores, labels), 100 * expected, name);
  }
});

test("numpySum reproduces np.sum's pairwise, buffered order (a plain left-to-right sum does not)", () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) - 500) / (1 + ((i * 31) % 97)));
  let naiveDiffers = 0;
  for (const [n, expected] of Object.entries(official.sums) as [string, number][]) {
    const a = values(Number(n));
    assert.equal(numpySum(a), expected, `n = ${n}`);
    if (a.reduce((s, x) => s + x, 0) !== expected) naiveDiffers++;
  }
  assert.ok(naiveDiffers > 0, 'the fixture should include sums where the order matters');
  assert.equal(numpySum([]), 0);
});
