import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapCI, bootstrapIntervals, quantile } from '../src/metrics/bootstrap.ts';

const meanOf = (values: readonly number[]) => (indices: Uint32Array) => {
  let sum = 0;
  for (const i of indices) sum += values[i]!;
  return sum / indices.length;
};

test('quantile interpolates linearly between order statistics (NumPy percentile, method "linear")', () => {
  // (n - 1) q = 4 * 0.25 = 1 -> the 2nd value; 4 * 0.1 = 0.4 -> 1 + 0.4 * (2 - 1) = 1.4.
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.1), 1.4);
  assert.equal(quantile([1, 2, 3, 4, 5], 0), 1);
  assert.equal(quantile([1, 2, 3, 4, 5], 1), 5);
  assert.equal(quantile([7], 0.975), 7);
});

test('defaults: 1000 resamples at 95%; the same seed gives the same interval, another seed another', () => {
  const values: number[] = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 100 : 0));
  const a = bootstrapCI(values.length, meanOf(values));
  assert.equal(a.samples, 1000);
  assert.equal(a.level, 0.95);
  assert.deepEqual(bootstrapCI(values.length, meanOf(values), { seed: 0 }), a);
  assert.notDeepEqual(bootstrapCI(values.length, meanOf(values), { seed: 1 }), a);
});

test('the interval covers the statistic and has about the normal-theory width for a mean', () => {
  // 0/100 values with p = 1/3 (67 of 200): mean 33.5, standard error 100 * sqrt(p (1 - p) / n) = 3.34,
  // so a 95% interval is about +-1.96 * 3.34 = +-6.5 wide on each side.
  const values: number[] = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 100 : 0));
  const mean = values.reduce((s, v) => s + v) / values.length;
  const ci = bootstrapCI(values.length, meanOf(values), { samples: 2000, seed: 3 });
  assert.ok(ci.low < mean && mean < ci.high, JSON.stringify(ci));
  const halfWidth = (ci.high - ci.low) / 2;
  assert.ok(halfWidth > 5.5 && halfWidth < 7.5, `half width ${halfWidth}`);
  // A narrower level gives a narrower interval from the same resamples.
  const ci80 = bootstrapCI(values.length, meanOf(values), { samples: 2000, seed: 3, level: 0.8 });
  assert.ok(ci80.low > ci.low && ci80.high < ci.high);
});

test('constant per-item values give a zero-width interval at that value', () => {
  assert.deepEqual(bootstrapCI(50, meanOf(new Array(50).fill(42)), { samples: 100 }), { low: 42, high: 42, samples: 100, level: 0.95 });
});

test('resamples are with replacement: indices repeat and stay in range', () => {
  let repeats = 0;
  bootstrapCI(100, (indices) => {
    assert.equal(indices.length, 100);
    for (const i of indices) assert.ok(i < 100);
    repeats += indices.length - new Set(indices).size;
    return 0;
  }, { samples: 20 });
  // Expected distinct fraction of a bootstrap sample is 1 - (1 - 1/n)^n = 0.634, so about 36 repeats per sample.
  assert.ok(repeats / 20 > 25 && repeats / 20 < 47, String(repeats / 20));
});

test('resamples where the statistic is undefined (NaN) are left out and counted', () => {
  let call = 0;
  const ci = bootstrapCI(10, () => (call++ % 4 === 0 ? NaN : 1), { samples: 100 });
  assert.equal(ci.samples, 75);
  assert.throws(() => bootstrapCI(10, () => NaN, { samples: 5 }), /undefined on all 5/);
});

test('several statistics share the same resamples', () => {
  const values = Array.from({ length: 60 }, (_, i) => i);
  const both = bootstrapIntervals(60, (idx) => ({ mean: meanOf(values)(idx), double: 2 * meanOf(values)(idx) }), { samples: 300, seed: 9 });
  assert.equal(both.double!.low, 2 * both.mean!.low);
  assert.equal(both.double!.high, 2 * both.mean!.high);
  assert.deepEqual(both.mean, bootstrapCI(60, meanOf(values), { samples: 300, seed: 9 }));
});

test('bad arguments are rejected', () => {
  assert.throws(() => bootstrapCI(0, () => 0), /at least one item/);
  assert.throws(() => bootstrapCI(5, () => 0, { samples: 0 }), /positive integer/);
  assert.throws(() => bootstrapCI(5, () => 0, { level: 1 }), /level/);
});
