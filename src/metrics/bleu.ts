// BLEU-1..4 as coco-caption computes it (pycocoevalcap/bleu/bleu_scorer.py, David Chiang's scorer as modified by
// Hao Fang and Tsung-Yi Lin; Papineni et al. 2002). Corpus-level: clipped n-gram matches and candidate n-gram counts
// are summed over all images before the precisions are taken; the brevity penalty compares the total candidate length
// with the sum of each image's "closest" reference length (the one nearest the candidate's length, the shorter one
// on a tie). BLEU-n is the geometric mean of the 1..n precisions, each as (matches + 1e-15) / (count + 1e-9), so an
// n-gram order with no candidate n-grams gives ~0 instead of an error. The per-image value is the same formula on
// one image. Scale: the official value in [0, 1]; `bleu()` reports it x100.
import type { CaptionItem, MetricResult } from './types.ts';
import { CaptionNgrams, MAX_ORDER, type TokenizedCaptions } from './caption-ngrams.ts';
import { tokenizeCaptionItems } from './text/ptb-tokenize.ts';

// bleu_scorer.py's `tiny` and `small`.
const TINY = 1e-15;
const SMALL = 1e-9;

export interface BleuValues {
  /** Corpus BLEU-1..4, official scale [0, 1]. */
  corpus: number[];
  /** Per-image BLEU-1..4: `perImage[n - 1][image]`. */
  perImage: Float64Array[];
}

/** BLEU-1..4 of tokenized captions (pycocoevalcap's `Bleu(4).compute_score` on the same strings). */
export function bleuOfTokenized(items: readonly TokenizedCaptions[]): BleuValues {
  return bleuOfNgrams(new CaptionNgrams(items));
}

export function bleuOfNgrams(ngrams: CaptionNgrams): BleuValues {
  const statistics = bleuStatistics(ngrams);
  const perImage = Array.from({ length: MAX_ORDER }, () => new Float64Array(ngrams.images));
  const correct = [0, 0, 0, 0];
  const guess = [0, 0, 0, 0];
  for (let image = 0; image < ngrams.images; image++) {
    for (let k = 0; k < MAX_ORDER; k++) {
      correct[k] = statistics.correct[MAX_ORDER * image + k]!;
      guess[k] = statistics.guess[MAX_ORDER * image + k]!;
    }
    const scores = bleuFromCounts(correct, guess, statistics.testLength[image]!, statistics.referenceLength[image]!);
    for (let k = 0; k < MAX_ORDER; k++) perImage[k]![image] = scores[k]!;
  }
  return { corpus: corpusBleu(statistics), perImage };
}

/**
 * What corpus BLEU pools, per image: clipped n-gram matches and candidate n-gram counts for n = 1..4 (`[4 * image +
 * n - 1]`), the candidate's length and its closest reference length. Corpus BLEU of any multiset of the images (a
 * bootstrap resample, duplicates included) follows from these alone: `corpusBleu(statistics, indices)`.
 */
export interface BleuStatistics {
  correct: Int32Array;
  guess: Int32Array;
  testLength: Int32Array;
  referenceLength: Int32Array;
}

export function bleuStatistics(ngrams: CaptionNgrams): BleuStatistics {
  const { images, firstSentence, length, orderStart, ids, counts } = ngrams;
  const statistics: BleuStatistics = {
    correct: new Int32Array(MAX_ORDER * images),
    guess: new Int32Array(MAX_ORDER * images),
    testLength: new Int32Array(images),
    referenceLength: new Int32Array(images),
  };
  const maxReferenceCount = new Int32Array(ngrams.ngramCount);
  for (let image = 0; image < images; image++) {
    const hypothesis = firstSentence[image]!;
    const end = firstSentence[image + 1]!;
    const testLength = length[hypothesis]!;
    // Clip each candidate n-gram count at its largest count in any one reference.
    for (let r = hypothesis + 1; r < end; r++) {
      for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) {
        if (counts[e]! > maxReferenceCount[ids[e]!]!) maxReferenceCount[ids[e]!] = counts[e]!;
      }
    }
    for (let k = 0; k < MAX_ORDER; k++) {
      let matched = 0;
      for (let e = orderStart[MAX_ORDER * hypothesis + k]!; e < orderStart[MAX_ORDER * hypothesis + k + 1]!; e++) {
        matched += Math.min(maxReferenceCount[ids[e]!]!, counts[e]!);
      }
      statistics.correct[MAX_ORDER * image + k] = matched;
      statistics.guess[MAX_ORDER * image + k] = Math.max(0, testLength - k);
    }
    for (let r = hypothesis + 1; r < end; r++) {
      for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) maxReferenceCount[ids[e]!] = 0;
    }
    statistics.testLength[image] = testLength;
    statistics.referenceLength[image] = closestReferenceLength(length, hypothesis + 1, end, testLength);
  }
  return statistics;
}

/** Corpus BLEU-1..4 (official scale) of the images at `indices` (all images when absent; repeats count again). */
export function corpusBleu(statistics: BleuStatistics, indices?: ArrayLike<number>): number[] {
  const totalCorrect = [0, 0, 0, 0];
  const totalGuess = [0, 0, 0, 0];
  let totalTestLength = 0;
  let totalReferenceLength = 0;
  const count = indices === undefined ? statistics.testLength.length : indices.length;
  for (let i = 0; i < count; i++) {
    const image = indices === undefined ? i : indices[i]!;
    for (let k = 0; k < MAX_ORDER; k++) {
      totalCorrect[k] += statistics.correct[MAX_ORDER * image + k]!;
      totalGuess[k] += statistics.guess[MAX_ORDER * image + k]!;
    }
    totalTestLength += statistics.testLength[image]!;
    totalReferenceLength += statistics.referenceLength[image]!;
  }
  return bleuFromCounts(totalCorrect, totalGuess, totalTestLength, totalReferenceLength);
}

/** The reference length nearest the candidate's; the shorter one on a tie (Python's `min` over (|l - c|, l)). */
function closestReferenceLength(length: Int32Array, from: number, to: number, testLength: number): number {
  let best = length[from]!;
  for (let r = from + 1; r < to; r++) {
    const l = length[r]!;
    const d = Math.abs(l - testLength);
    const bestD = Math.abs(best - testLength);
    if (d < bestD || (d === bestD && l < best)) best = l;
  }
  return best;
}

function bleuFromCounts(correct: number[], guess: number[], testLength: number, referenceLength: number): number[] {
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < MAX_ORDER; k++) {
    product *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    scores.push(Math.pow(product, 1 / (k + 1)));
  }
  const ratio = (testLength + TINY) / (referenceLength + SMALL);
  if (ratio < 1) {
    const brevity = Math.exp(1 - 1 / ratio);
    for (let k = 0; k < MAX_ORDER; k++) scores[k]! *= brevity;
  }
  return scores;
}

/** Corpus BLEU-1..4 (keys `bleu_1`..`bleu_4`, x100) after PTB tokenization; per item: that image's BLEU-4 x100. */
export function bleu(items: CaptionItem[]): MetricResult {
  const values = bleuOfTokenized(tokenizeCaptionItems(items));
  return {
    n: items.length,
    scores: Object.fromEntries(values.corpus.map((v, k) => [`bleu_${k + 1}`, v * 100])),
    perItem: Array.from(values.perImage[MAX_ORDER - 1]!, (v) => v * 100),
  };
}
