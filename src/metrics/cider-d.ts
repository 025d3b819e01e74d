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
 * mean over the resample in its order. Nothing is tokenized or counted again. Built once: each image's distinct
 * reference n-grams (for the document frequencies), each reference's length penalty, and for each reference and order
 * the pairs (candidate entry, reference entry) of the n-grams they share, in the candidate's order. A resample then
 * recomputes the document frequencies from its multiplicities, the weights and norms of its images' sentences, and
 * the clipped products over the shared pairs only: the same operations on the same numbers in the same order as
 * ImageScorer (the n-grams it skips add exactly 0), so a replicate equals `ciderDOfTokenized` of the resampled
 * captions bit for bit.
 */
export class CiderDResampler {
  /** Image i's distinct reference n-grams: referenceNgrams[referenceStart[i] .. referenceStart[i + 1]). */
  private readonly referenceStart: Int32Array;
  private readonly referenceNgrams: Int32Array;
  /** Per sentence (references only): the length penalty against its image's candidate. */
  private readonly penalty: Float64Array;
  /** Shared pairs of sentence s (a reference) and order k: pairCandidate/pairReference[pairStart[4s + k] .. [4s + k + 1]). */
  private readonly pairStart: Int32Array;
  private readonly pairCandidate: Int32Array;
  private readonly pairReference: Int32Array;
  private readonly documentFrequency: Int32Array;
  private readonly idf: Float64Array;
  private readonly weights: Float64Array;
  private readonly times: Int32Array;
  private readonly perImage: Float64Array;
  private readonly touched: Int32Array;
  private readonly candidateNorm = new Float64Array(MAX_ORDER);
  private readonly referenceNorm = new Float64Array(MAX_ORDER);
  private readonly sums = new Float64Array(MAX_ORDER);
  private logs = new Float64Array(0);
  /** The corpus size the idf array is filled for (untouched n-grams have idf log(size)). */
  private idfSize = -1;

  constructor(private readonly ngrams: CaptionNgrams) {
    const { images, firstSentence, orderStart, ids, length } = ngrams;
    const sentences = firstSentence[images]!;
    this.referenceStart = new Int32Array(images + 1);
    this.penalty = new Float64Array(sentences);
    this.pairStart = new Int32Array(MAX_ORDER * sentences + 1);
    const list: number[] = [];
    const pairCandidate: number[] = [];
    const pairReference: number[] = [];
    const lastImage = new Int32Array(ngrams.ngramCount).fill(-1);
    // 1 + the reference entry holding an n-gram id, while that reference is being paired; else 0.
    const entryOf = new Int32Array(ngrams.ngramCount);
    for (let image = 0; image < images; image++) {
      this.referenceStart[image] = list.length;
      const candidate = firstSentence[image]!;
      const end = firstSentence[image + 1]!;
      const from = orderStart[MAX_ORDER * (candidate + 1)]!;
      const to = orderStart[MAX_ORDER * end]!;
      for (let e = from; e < to; e++) {
        const id = ids[e]!;
        if (lastImage[id] !== image) {
          lastImage[id] = image;
          list.push(id);
        }
      }
      const candidateBigrams = Math.max(0, length[candidate]! - 1);
      // A candidate owns no pairs: its four ranges are empty.
      for (let k = 0; k < MAX_ORDER; k++) this.pairStart[MAX_ORDER * candidate + k] = pairCandidate.length;
      for (let r = candidate + 1; r < end; r++) {
        const delta = candidateBigrams - Math.max(0, length[r]! - 1);
        this.penalty[r] = Math.pow(Math.E, -(delta * delta) / (2 * SIGMA ** 2));
        for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) entryOf[ids[e]!] = e + 1;
        for (let k = 0; k < MAX_ORDER; k++) {
          this.pairStart[MAX_ORDER * r + k] = pairCandidate.length;
          for (let e = orderStart[MAX_ORDER * candidate + k]!; e < orderStart[MAX_ORDER * candidate + k + 1]!; e++) {
            const f = entryOf[ids[e]!]!;
            if (f !== 0) {
              pairCandidate.push(e);
              pairReference.push(f - 1);
            }
          }
        }
        for (let e = orderStart[MAX_ORDER * r]!; e < orderStart[MAX_ORDER * (r + 1)]!; e++) entryOf[ids[e]!] = 0;
      }
    }
    this.pairStart[MAX_ORDER * sentences] = pairCandidate.length;
    this.referenceStart[images] = list.length;
    this.referenceNgrams = Int32Array.from(list);
    this.pairCandidate = Int32Array.from(pairCandidate);
    this.pairReference = Int32Array.from(pairReference);
    this.documentFrequency = new Int32Array(ngrams.ngramCount);
    this.idf = new Float64Array(ngrams.ngramCount);
    this.touched = new Int32Array(ngrams.ngramCount);
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
    const { referenceStart, referenceNgrams, documentFrequency, idf, weights, times, perImage, touched } = this;
    const { penalty, pairStart, pairCandidate, pairReference, candidateNorm, referenceNorm, sums } = this;
    const n = indices.length;
    if (n === 0) return Number.NaN;
    if (this.logs.length < n + 1) {
      // log(max(1, df)) by df: the same Math.log values the full computation takes, looked up.
      this.logs = new Float64Array(n + 1);
      for (let d = 0; d <= n; d++) this.logs[d] = Math.log(Math.max(1, d));
    }
    const logs = this.logs;
    const logImages = Math.log(n);
    if (this.idfSize !== n) {
      // An n-gram no resampled reference has: log(#images) - log(max(1, 0)).
      idf.fill(logImages - logs[0]!);
      this.idfSize = n;
    }
    times.fill(0);
    for (let k = 0; k < n; k++) times[indices[k]!]!++;
    let touchedCount = 0;
    for (let image = 0; image < times.length; image++) {
      const m = times[image]!;
      if (m === 0) continue;
      for (let e = referenceStart[image]!; e < referenceStart[image + 1]!; e++) {
        const id = referenceNgrams[e]!;
        if (documentFrequency[id] === 0) touched[touchedCount++] = id;
        documentFrequency[id]! += m;
      }
    }
    for (let t = 0; t < touchedCount; t++) idf[touched[t]!] = logImages - logs[documentFrequency[touched[t]!]!]!;

    for (let image = 0; image < times.length; image++) {
      if (times[image] === 0) continue;
      const candidate = firstSentence[image]!;
      const end = firstSentence[image + 1]!;
      weighAndNorm(candidate, orderStart, ids, counts, idf, weights, candidateNorm);
      sums.fill(0);
      for (let r = candidate + 1; r < end; r++) {
        weighAndNorm(r, orderStart, ids, counts, idf, weights, referenceNorm);
        const p = penalty[r]!;
        for (let k = 0; k < MAX_ORDER; k++) {
          let value = 0;
          for (let q = pairStart[MAX_ORDER * r + k]!; q < pairStart[MAX_ORDER * r + k + 1]!; q++) {
            const w = weights[pairReference[q]!]!;
            value += Math.min(weights[pairCandidate[q]!]!, w) * w;
          }
          if (candidateNorm[k] !== 0 && referenceNorm[k] !== 0) value /= candidateNorm[k]! * referenceNorm[k]!;
          sums[k]! += value * p;
        }
      }
      perImage[image] = (numpySum(sums) / MAX_ORDER / (end - candidate - 1)) * 10;
    }
    for (let t = 0; t < touchedCount; t++) {
      documentFrequency[touched[t]!] = 0;
      idf[touched[t]!] = logImages - logs[0]!;
    }
    // The mean in the resample's order, with NumPy's summation (np.mean over the scored list).
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) values[k] = perImage[indices[k]!]!;
    return numpySum(values) / n;
  }
}

/** A sentence's weights (count x idf, stored) and their norm per order, in one pass; the same sums as `norms`. */
function weighAndNorm(
  sentence: number,
  orderStart: Int32Array,
  ids: Int32Array,
  counts: Int32Array,
  idf: Float64Array,
  weights: Float64Array,
  out: Float64Array,
): void {
  for (let k = 0; k < MAX_ORDER; k++) {
    let sum = 0;
    for (let e = orderStart[MAX_ORDER * sentence + k]!; e < orderStart[MAX_ORDER * sentence + k + 1]!; e++) {
      const w = counts[e]! * idf[ids[e]!]!;
      weights[e] = w;
      sum += w * w;
    }
    out[k] = Math.sqrt(sum);
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
