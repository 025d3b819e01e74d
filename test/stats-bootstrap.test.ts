// The statistics behind intervals and comparisons (src/stats/): a CIDEr-D bootstrap replicate is exactly what
// `flamingo-eval score --metric cider` prints for the resampled files; seeds share each resample; paired differences,
// p-values and Holm's correction.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captionCorpus } from '../bench/caption-corpus.ts';
import { score } from '../src/commands/score.ts';
import { forEachResample, quantile } from '../src/metrics/bootstrap.ts';
import { CaptionNgrams } from '../src/metrics/caption-ngrams.ts';
import { CiderDResampler, ciderDOfNgrams } from '../src/metrics/cider-d.ts';
import { tokenizeCaptionItems } from '../src/metrics/text/ptb-tokenize.ts';
import type { CaptionItem } from '../src/metrics/types.ts';
import { allQueries, holmAdjust, pairedDifference, queryInterval, verdictOf } from '../src/stats/query-bootstrap.ts';
import { overPositions, perItemMean, rescoring } from '../src/stats/resamplers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'stats-bootstrap-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The resample as the files a user would score: image k of the resample gets id k, its prediction and references. */
function writeResampledFiles(items: CaptionItem[], indices: ArrayLike<number>, name: string): { predictions: string; references: string } {
  const predictions = Array.from(indices, (i, k) => ({ image_id: k, caption: items[i]!.prediction }));
  const annotations = Array.from(indices, (i, k) => items[i]!.references.map((caption) => ({ image_id: k, caption }))).flat();
  const p = join(scratch, `${name}-results.json`);
  const r = join(scratch, `${name}-captions.json`);
  writeFileSync(p, JSON.stringify(predictions));
  writeFileSync(r, JSON.stringify({ annotations: annotations.map((a, id) => ({ ...a, id })) }));
  return { predictions: p, references: r };
}

test('a CIDEr-D bootstrap replicate equals `score --metric cider` on the resampled files, to the last digit', async () => {
  const items = captionCorpus(11, 120, 5);
  const resampler = new CiderDResampler(new CaptionNgrams(tokenizeCaptionItems(items)));
  const full = ciderDOfNgrams(new CaptionNgrams(tokenizeCaptionItems(items)));
  const checked: number[] = [];
  const replicates: Uint32Array[] = [];
  forEachResample(items.length, 4, 3, (indices) => replicates.push(indices.slice()));
  for (const [r, indices] of replicates.entries()) {
    const files = writeResampledFiles(items, indices, `r${r}`);
    const { report } = await score({ metric: 'cider', ...files, seed: 0, ciSamples: 1 });
    const replicate = 100 * resampler.corpus(indices);
    assert.equal(replicate, report.scores.cider, `replicate ${r}`);
    // Not the shortcut that keeps the full set's document frequencies (the mean of full-set per-image values).
    let shortcut = 0;
    for (const i of indices) shortcut += full.perImage[i]!;
    assert.ok(Math.abs((100 * shortcut) / indices.length - replicate) > 1e-6, `replicate ${r} equals the full-set shortcut`);
    checked.push(replicate);
  }
  assert.equal(new Set(checked).size, 4);
  // The identity resample is the full corpus value, bit for bit.
  assert.equal(resampler.corpus(allQueries(items.length)), full.corpus);
});

test('`score --ci` CIDEr-D interval: the percentiles of those replicates', async () => {
  const items = captionCorpus(5, 60, 5);
  const files = writeResampledFiles(items, allQueries(items.length), 'ci');
  const { report } = await score({ metric: 'cider', ...files, ci: true, seed: 7, ciSamples: 200 });
  const resampler = new CiderDResampler(new CaptionNgrams(tokenizeCaptionItems(items)));
  const values: number[] = [];
  forEachResample(items.length, 200, 7, (indices) => values.push(100 * resampler.corpus(indices)));
  values.sort((a, b) => a - b);
  assert.deepEqual(report.ci!.cider, [quantile(values, (1 - 0.95) / 2), quantile(values, 1 - (1 - 0.95) / 2)]);
});

test('seeds are averaged within each resample, on the same query indices', () => {
  const seedA = [1, 0, 1, 1, 0, 0, 1, 0];
  const seedB = [0, 0, 1, 1, 1, 0, 1, 1];
  const seen: string[][] = [[], []];
  const track = (values: number[], k: number) => (indices: Uint32Array) => {
    seen[k]!.push(Array.from(indices).join(','));
    return perItemMean(values)(indices);
  };
  const ci = queryInterval(8, [track(seedA, 0), track(seedB, 1)], { samples: 300, seed: 4 });
  assert.deepEqual(seen[0], seen[1]);
  const expected: number[] = [];
  forEachResample(8, 300, 4, (indices) => expected.push((perItemMean(seedA)(indices) + perItemMean(seedB)(indices)) / 2));
  expected.sort((a, b) => a - b);
  assert.equal(ci.low, quantile(expected, (1 - 0.95) / 2));
  assert.equal(ci.high, quantile(expected, 1 - (1 - 0.95) / 2));
  assert.equal(ci.defined, 300);
  assert.deepEqual(queryInterval(8, [perItemMean(seedA), perItemMean(seedB)], { samples: 300, seed: 4 }), ci);
});

test('an undefined resample (one class only) is left out and counted', () => {
  // ROC-AUC-like: undefined when the resample holds one label only.
  const labels = [0, 1, 1, 1, 1, 1];
  const metric = rescoring(
    labels.map((label, i) => ({ id: String(i), label })),
    (sample) => {
      if (new Set(sample.map((s) => s.label)).size < 2) throw new RangeError('only one class present');
      return sample.length;
    },
    (item, k) => ({ ...item, id: `${item.id}#${k}` }),
  );
  const ci = queryInterval(6, [metric], { samples: 500, seed: 1 });
  assert.ok(ci.defined < 500 && ci.defined > 300, String(ci.defined));
  assert.throws(() => queryInterval(6, [() => Number.NaN], { samples: 5 }), /undefined on all 5/);
});

test('paired difference: B - A on the same resamples; identical systems give p = 1 and no evidence', () => {
  // B right wherever A is, and on 3 of A's 5 misses, four times over: 40 queries, 12 discordant, all for B.
  const a = [100, 0, 100, 0, 100, 0, 0, 100, 100, 0].flatMap((v) => [v, v, v, v]);
  const b = [100, 100, 100, 0, 100, 100, 0, 100, 100, 100].flatMap((v) => [v, v, v, v]);
  const d = pairedDifference(40, [perItemMean(a)], [perItemMean(b)], { samples: 2000, seed: 2 });
  assert.equal(d.a, 50);
  assert.equal(d.b, 80);
  assert.equal(d.difference, 30);
  assert.ok(d.low > 10 && d.high <= 50, JSON.stringify(d));
  assert.ok(d.p < 0.01, String(d.p));
  // Unpaired, the same two means would be far less certain: the pairing is what the interval uses.
  const unpaired = pairedDifference(40, [perItemMean(a)], [(indices) => perItemMean(b)(indices.map((i) => (i * 7 + 3) % 40))], { samples: 2000, seed: 2 });
  assert.ok(unpaired.high - unpaired.low > d.high - d.low, `${JSON.stringify(unpaired)} vs ${JSON.stringify(d)}`);
  const same = pairedDifference(40, [perItemMean(a)], [perItemMean(a)], { samples: 500 });
  assert.deepEqual([same.difference, same.low, same.high, same.p], [0, 0, 0, 1]);
  assert.equal(verdictOf(same.difference, same.p), 'no evidence');
  assert.equal(verdictOf(d.difference, d.p), 'better');
  assert.equal(verdictOf(-d.difference, d.p), 'worse');
  assert.equal(verdictOf(d.difference, 0.2), 'no evidence');
});

test("Holm's step-down adjustment", () => {
  // m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, max(0.04, 0.06), max(0.06, 0.06), max(0.06, 0.5).
  assert.deepEqual(holmAdjust([0.03, 0.5, 0.01, 0.02]).map((p) => +p.toFixed(12)), [0.06, 0.5, 0.04, 0.06]);
  assert.deepEqual(holmAdjust([0.4, 0.9]), [0.8, 0.9]);
  assert.deepEqual(holmAdjust([]), []);
});

test('positions skipped in a trial are left out of its resamples', () => {
  // Positions 0..4, position 2 skipped: scored items are positions 0, 1, 3, 4.
  const inner = overPositions(5, [0, 1, 3, 4], perItemMean([10, 20, 40, 50]));
  assert.equal(inner(Uint32Array.from([2, 2, 3])), 40);
  assert.equal(inner(Uint32Array.from([0, 4])), 30);
  assert.ok(Number.isNaN(inner(Uint32Array.from([2]))));
});

test('bulk resampling draws the same indices as the seeded generator, one at a time', async () => {
  const { randomInt, randomIntsFor, rngFor } = await import('../src/core/random.ts');
  const rng = rngFor('bootstrap', 12);
  const fill = randomIntsFor('bootstrap', 12);
  for (const n of [1, 7, 1000, 214_354]) {
    const bulk = new Uint32Array(50);
    fill(bulk, n);
    assert.deepEqual(Array.from(bulk), Array.from({ length: 50 }, () => randomInt(rng, n)));
  }
});
