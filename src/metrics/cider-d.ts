// CIDEr-D as coco-caption computes it (pycocoevalcap/cider/cider_scorer.py; Vedantam et al. 2015, the "-D" variant
// with clipping and a length penalty). For n = 1..4 each sentence is a vector of n-gram weights
// count x (log(#images) - log(max(1, df))), where df is the number of scored images whose references contain the
// n-gram: document frequencies come only from the references of the images being scored, so a value depends on the
// set it was computed on. An n-gram no reference has gets weight count x log(#images). Per reference and order:
// sum over the candidate's n-grams of min(w_cand, w_ref) x w_ref, divided by the product of the two vectors' norms
// (left undivided when a norm is 0), times exp(-delta^2 / (2 x 6^2)). cider_scorer.py's `length` counts only the
// bigrams of a sentence, so delta is the difference of the bigram counts (max(0, tokens - 1)); that equals the
// token-count difference except beside an empty sentence, whose similarity is 0 anyway. Per image: the mean over n of
// the summed-over-references values, divided by the number of references, x10. Corpus value: the mean over images,
// in NumPy's summation order.
// Scale: the official value (about 0..10, x10 included); `ciderD()` reports it x100 as the papers print it.
import type { CaptionItem, MetricResult } from './types.ts';
import { CaptionNgrams, MAX_ORDER, type TokenizedCaptions } from './caption-ngrams.ts';
import { tokenizeCaptionItems } from './text/ptb-tokenize.ts';
import { numpySum } from './numeric/numpy-sum.ts';

const SIGMA = 6;

export interface CiderDValues {
  corpus: number;
  perImage: Float64Array;
}

/** CIDEr-D of tokenized captions (pycocoevalcap's `Cider().compute_score` on the same strings). */
export function ciderDOfTokenized(items: readonly TokenizedCaptions[]): CiderDValues {
  return ciderDOfNgrams(new CaptionNgrams(items));
}

export function ciderDOfNgrams(ngrams: CaptionNgrams): CiderDValues {
  const { images, firstSentence, orderStart, ids, counts } = ngrams;

  // Document frequency: in how many images' reference sets each n-gram occurs.
  const documentFrequency = new Int32Array(ngrams.ngramCount);
  const lastImage = new Int32Array(ngrams.ngramCount).fill(-1);
  for (let image = 0; image < images; image++) {
    const from = orderStart[MAX_ORDER * (firstSentence[image]! + 1)]!;
    const to = orderStart[MAX_ORDER * firstSentence[image + 1]!]!;
    for (let e = from; e < to; e++) {
      const id = ids[e]!;
      if (lastImage[id] !== image) {
        lastImage[id] = image;
        documentFrequency[id]!++;
      }
    }
  }
  const logImages = Math.log(images);
  const idf = new Float64Array(ngrams.ngramCount);
  for (let id = 0; id < idf.length; id++) idf[id] = logImages - Math.log(Math.max(1, documentFrequency[id]!));

  const weights = new Float64Array(ids.length === 0 ? 0 : orderStart[orderStart.length - 1]!);
  for (let e = 0; e < weights.length; e++) weights[e] = counts[e]! * idf[ids[e]!]!;
  const scorer = new ImageScorer(ngrams);
  const perImage = new Float64Array(images);
  for (let image = 0; image < images; image++) perImage[image] = scorer.score(image, weights);
  return { corpus: numpySum(perImage) / images, perImage };
}

/**
 * One image's CIDEr-D (x10) from the n-gram weights (count x idf) of its sentences, as cider_scorer.py's `simi`
 * and `compute_cider` compute it. Shared by the full computation and the bootstrap resampler, so both add the same
 * numbers in the same order and agree bit for bit.
 */
class ImageScorer {
  private readonly referenceWeight: Float64Array;
  private readonly penaltyByDelta = new Map<number, number>();
  private readonly sums = new Float64Array(MAX_ORDER);
  private readonly candidateNorm = new Float64Array(MAX_ORDER);
  private readonly referenceNorm = new Float64Array(MAX_ORDER);

  constructor(private readonly ngrams: CaptionNgrams) {
    // A scratch vector of one reference's weights by n-gram id.
    this.referenceWeight = new Float64Array(ngrams.ngramCount);
  }

  score(image: number, weights: Float64Array): number {
    const { firstSentence, length, orderStart, ids } = this.ngrams;
    const { referenceWeight, sums, candidateNorm, referenceNorm } = this;
    const candidate = firstSentence[image]!;
    const end = firstSentence[image + 1]!;
    norms(candidate, orderStart, weights, candidateNorm);
    const candidateBigrams = Math.max(0, length[candidate]! - 1);
    sums.fill(0);
    for (let r = candidate + 1; r < end; r++) {
      norms(r, orderStart, weights, referenceNorm);
      for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) referenceWeight[ids[e]!] = weights[e]!;
      const delta = candidateBigrams - Math.max(0, length[r]! - 1);
      let penalty = this.penaltyByDelta.get(delta);
      if (penalty === undefined) {
        penalty = Math.pow(Math.E, -(delta * delta) / (2 * SIGMA ** 2));
        this.penaltyByDelta.set(delta, penalty);
      }
      for (let k = 0; k < MAX_ORDER; k++) {
        let value = 0;
        for (let e = orderStart[MAX_ORDER * candidate + k]!; e < orderStart[MAX_ORDER * candidate + k + 1]!; e++) {
          const w = referenceWeight[ids[e]!]!;
          value += Math.min(weights[e]!, w) * w;
        }
        if (candidateNorm[k] !== 0 && referenceNorm[k] !== 0) value /= candidateNorm[k]! * referenceNorm[k]!;
        sums[k]! += value * penalty;
      }
      for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) referenceWeight[ids[e]!] = 0;
    }
    return (numpySum(sums) / MAX_ORDER / (end - candidate - 1)) * 10;
  }
}

/**
 * Corpus CIDEr-D (official scale, x10 included) of bootstrap resamples of the images, each recomputed as
 * cider_scorer.py computes it on the resampled set: an image drawn m times is m images, so it adds m to the document
 * frequency of every n-gram of its references, the corpus size is the resample's size, and the corpus value is the
 * mean over the resample in its order. Nothing is tokenized or counted again: each image's distinct reference n-grams
 * are listed once, and a resample only recomputes the document frequencies (weighted by multiplicity) and the
 * per-image values of the images it holds. Equal bit for bit to `ciderDOfTokenized` of the resampled captions.
 */
export class CiderDResampler {
  private readonly scorer: ImageScorer;
  /** Image i's distinct reference n-grams: referenceNgrams[referenceStart[i] .. referenceStart[i + 1]). */
  private readonly referenceStart: Int32Array;
  private readonly referenceNgrams: Int32Array;
  private readonly documentFrequency: Int32Array;
  private readonly weights: Float64Array;
  private readonly times: Int32Array;
  private readonly perImage: Float64Array;
  private logs = new Float64Array(0);

  constructor(private readonly ngrams: CaptionNgrams) {
    const { images, firstSentence, orderStart, ids } = ngrams;
    this.scorer = new ImageScorer(ngrams);
    this.referenceStart = new Int32Array(images + 1);
    const list: number[] = [];
    const lastImage = new Int32Array(ngrams.ngramCount).fill(-1);
    for (let image = 0; image < images; image++) {
      this.referenceStart[image] = list.length;
      const from = orderStart[MAX_ORDER * (firstSentence[image]! + 1)]!;
      const to = orderStart[MAX_ORDER * firstSentence[image + 1]!]!;
      for (let e = from; e < to; e++) {
        const id = ids[e]!;
        if (lastImage[id] !== image) {
          lastImage[id] = image;
          list.push(id);
        }
      }
    }
    this.referenceStart[images] = list.length;
    this.referenceNgrams = Int32Array.from(list);
    this.documentFrequency = new Int32Array(ngrams.ngramCount);
    this.weights = new Float64Array(ids.length === 0 ? 0 : orderStart[orderStart.length - 1]!);
    this.times = new Int32Array(images);
    this.perImage = new Float64Array(images);
  }

  get images(): number {
    return this.ngrams.images;
  }

  /** Corpus CIDEr-D of the resample `indices` (image indices, repeats allowed). */
  corpus(indices: ArrayLike<number>): number {
    const { firstSentence, orderStart, ids, counts } = this.ngrams;
    const { referenceStart, referenceNgrams, documentFrequency, weights, times, perImage } = this;
    const n = indices.length;
    if (n === 0) return Number.NaN;
    if (this.logs.length < n + 1) {
      // log(max(1, df)) by df: the same Math.log values the full computation takes, looked up.
      this.logs = new Float64Array(n + 1);
      for (let d = 0; d <= n; d++) this.logs[d] = Math.log(Math.max(1, d));
    }
    const logs = this.logs;
    times.fill(0);
    for (let k = 0; k < n; k++) times[indices[k]!]!++;
    const distinct: number[] = [];
    for (let image = 0; image < times.length; image++) {
      const m = times[image]!;
      if (m === 0) continue;
      distinct.push(image);
      for (let e = referenceStart[image]!; e < referenceStart[image + 1]!; e++) documentFrequency[referenceNgrams[e]!]! += m;
    }
    const logImages = Math.log(n);
    for (const image of distinct) {
      const from = orderStart[MAX_ORDER * firstSentence[image]!]!;
      const to = orderStart[MAX_ORDER * firstSentence[image + 1]!]!;
      for (let e = from; e < to; e++) weights[e] = counts[e]! * (logImages - logs[documentFrequency[ids[e]!]!]!);
    }
    for (const image of distinct) perImage[image] = this.scorer.score(image, weights);
    for (const image of distinct) {
      for (let e = referenceStart[image]!; e < referenceStart[image + 1]!; e++) documentFrequency[referenceNgrams[e]!] = 0;
    }
    // The mean in the resample's order, with NumPy's summation (np.mean over the scored list).
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) values[k] = perImage[indices[k]!]!;
    return numpySum(values) / n;
  }
}

/** The Euclidean norm of a sentence's weight vector for each order, its squares added in dict order. */
function norms(sentence: number, orderStart: Int32Array, weights: Float64Array, out: Float64Array): void {
  for (let k = 0; k < MAX_ORDER; k++) {
    let sum = 0;
    for (let e = orderStart[MAX_ORDER * sentence + k]!; e < orderStart[MAX_ORDER * sentence + k + 1]!; e++) {
      sum += weights[e]! * weights[e]!;
    }
    out[k] = Math.sqrt(sum);
  }
}

/** Corpus CIDEr-D (key `cider`, x100) after PTB tokenization; per item: that image's CIDEr-D x100. */
export function ciderD(items: CaptionItem[]): MetricResult {
  const values = ciderDOfTokenized(tokenizeCaptionItems(items));
  return { n: items.length, scores: { cider: values.corpus * 100 }, perItem: Array.from(values.perImage, (v) => v * 100) };
}
