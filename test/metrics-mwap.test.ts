import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanWeightedAP, mwap, mwapResampler, type RareActRow } from '../src/metrics/mwap.ts';
import { randomInt, rngFor } from '../src/core/random.ts';
import { averagePrecision } from '../src/metrics/average-precision.ts';
import { loadRareAct } from '../src/score/rareact.ts';
import { readFileSync } from 'node:fs';

const dir = new URL('./fixtures/score/rareact/', import.meta.url).pathname;
const official = JSON.parse(readFileSync(new URL('./fixtures/score/official-values.json', import.meta.url), 'utf8'));

// Classes: 0 = (cut, apple), 1 = (cut, phone), 2 = (wash, door). Scores are per class id.
const hand: RareActRow[] = [
  { id: '0', video: 'v1', classId: 0, verb: 'cut', noun: 'apple', annotation: 1, scores: [0.9, 0.3, 0.9] },
  { id: '1', video: 'v1', classId: 0, verb: 'cut', noun: 'apple', annotation: 1, scores: [0.2, 0.6, 0.1] },
  { id: '2', video: 'v2', classId: 0, verb: 'cut', noun: 'apple', annotation: 0, scores: [0.5, 0.99, 0.99] },
  { id: '3', video: 'v3', classId: 1, verb: 'cut', noun: 'phone', annotation: 1, scores: [0.7, 0.6, 0.3] },
  { id: '4', video: 'v4', classId: 2, verb: 'wash', noun: 'door', annotation: 2, scores: [0.99, 0.99, 0.2] },
  { id: '5', video: 'v5', classId: 2, verb: 'wash', noun: 'door', annotation: 1, scores: [0.1, 0.8, 0.4] },
];

test('hand-worked mWAP: groups per class, per-video weights, weighted AP, mean over classes', () => {
  // Class 0 (cut apple): positives rows 0, 1 (same video v1: weight 1/2 each); negatives row 2 (own annotation 0)
  //   and row 5 (positive of wash door: verb and noun differ); hard negative row 3 (positive of cut phone: same verb).
  //   By score: r0 .9 (+, .5), r3 .7 (-, 1), r2 .5 (-, 1), r1 .2 (+, .5), r5 .1 (-, 1).
  //   AP = sum (R_k - R_k-1) P_k = .5 * 1 + .5 * (1 / 3) = 2/3.
  // Class 1 (cut phone): positive row 3; negative row 5; hard negatives rows 0, 1 (cut apple, v1: 1/2 each).
  //   By score: r5 .8 (-, 1), then a tie at .6: r3 (+, 1) and r1 (-, .5), then r0 .3 (-, .5).
  //   The tie is one threshold: P = 1 / (1 + 1 + .5) = .4 at R = 1, so AP = .4.
  // Class 2 (wash door): positive row 5; hard negative row 4 (own annotation 2); negatives rows 0, 1 (v1, 1/2 each)
  //   and 3. By score: r0 .9 (-, .5), r5 .4 (+, 1), ... -> P = 1 / 1.5 at R = 1, AP = 2/3.
  // Row 2 is ignored for classes 1 and 2 and row 4 for classes 0 and 1 (another class's negatives), so their 0.99s
  // change nothing. mWAP = (2/3 + .4 + 2/3) / 3 = 0.57777... (the official script prints 0.5777777777777778).
  assert.equal(meanWeightedAP(hand), 0.5777777777777778);
  assert.equal(mwap(hand).scores.mwap, 100 * 0.5777777777777778);
  assert.equal(mwap(hand).n, 6);
});

test('ignored rows really are ignored, and the video weighting matters', () => {
  const changed = hand.map((row) => (row.id === '2' ? { ...row, scores: [0.5, 0, 0] } : row.id === '4' ? { ...row, scores: [0, 0, 0.2] } : row));
  assert.equal(meanWeightedAP(changed), meanWeightedAP(hand));
  // With distinct videos for rows 0 and 1, class 0's AP is the unweighted .5 * 1 + .5 * (2/4) = .75 instead of 2/3.
  const distinctVideos = hand.map((row) => (row.id === '1' ? { ...row, video: 'v9' } : row));
  assert.notEqual(meanWeightedAP(distinctVideos), meanWeightedAP(hand));
});

test('bounds: scoring every positive above everything else gives 100; classes without positives are skipped', () => {
  const perfect = hand.map((row) => ({ ...row, scores: [0, 1, 2].map((c) => (row.annotation === 1 && row.classId === c ? 1 : 0)) }));
  assert.equal(mwap(perfect).scores.mwap, 100);
  const withEmptyClass = [...hand, { id: '6', video: 'v6', classId: 3, verb: 'roll', noun: 'rock', annotation: 0, scores: [0, 0, 0, 0.5] }];
  // Row 6 only adds a class with no positive (skipped); it is nobody's negative, so nothing changes.
  assert.equal(meanWeightedAP(withEmptyClass), meanWeightedAP(hand));
  assert.ok(Number.isNaN(meanWeightedAP(hand.map((row) => ({ ...row, annotation: 0 })))));
  assert.throws(() => mwap(hand.map((row) => ({ ...row, annotation: 0 }))), /none of the 6 rows is a positive/);
});

test('equals the official compute_score.py on generated annotation files (float64 and float32 matrices)', () => {
  assert.equal(meanWeightedAP(loadRareAct(`${dir}generated.npy`, `${dir}generated.csv`)), 0.09610899401939085);
  assert.equal(meanWeightedAP(loadRareAct(`${dir}generated-f32.npy`, `${dir}generated-f32.csv`)), 0.08281304386414902);
});

// Same formulas as the generator of the expected values (sklearn.metrics.average_precision_score).
test('averagePrecision equals sklearn average_precision_score bit for bit, with and without weights', () => {
  for (const [name, expected] of Object.entries(official.ap) as [string, { weighted: number; unweighted: number }][]) {
    const [n, m] = name.split('_').map(Number) as [number, number];
    const labels = Array.from({ length: n }, (_, i) => ((i * 37) % 11 < 5 ? 1 : 0) as 0 | 1);
    const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % m) / m);
    const weights = Array.from({ length: n }, (_, i) => 1.0 / (1 + ((i * 13) % 4)));
    assert.equal(averagePrecision(labels, scores, weights), expected.weighted, `${name} weighted`);
    assert.equal(averagePrecision(labels, scores), expected.unweighted, `${name} unweighted`);
  }
  // Hand-worked: + at .9, - at .8, + at .7: AP = .5 * 1 + .5 * (2/3).
  assert.equal(averagePrecision([1, 0, 1], [0.9, 0.8, 0.7]), 0.5 + 0.5 * (2 / 3));
  assert.throws(() => averagePrecision([0, 0], [0.1, 0.2]), /at least one positive/);
});

test('mwapResampler gives the mWAP of resampled rows (repeats counted) without re-sorting', () => {
  const rows = loadRareAct(`${dir}generated.npy`, `${dir}generated.csv`);
  const resample = mwapResampler(rows);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  close(resample(rows.map((_, i) => i)), 100 * meanWeightedAP(rows));
  close(mwapResampler(hand)([0, 1, 2, 3, 4, 5]), 100 * 0.5777777777777778);
  const rng = rngFor('mwap-resample-test');
  for (let s = 0; s < 5; s++) {
    const indices = Uint32Array.from({ length: rows.length }, () => randomInt(rng, rows.length));
    close(resample(indices), 100 * meanWeightedAP(Array.from(indices, (i) => rows[i]!)));
  }
  // A resample without any positive row has no class to score.
  assert.ok(Number.isNaN(mwapResampler(hand)([2, 4])));
});
