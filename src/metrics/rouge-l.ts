// ROUGE-L as coco-caption computes it (pycocoevalcap/rouge/rouge.py; Lin 2004, with beta = 1.2 as set there). Per
// image: the longest common subsequence of the candidate with each reference gives precision LCS/|candidate| and
// recall LCS/|reference|; the best precision and the best recall over the references (each maximised on its own,
// possibly from different references) combine as F = (1 + b^2) P R / (R + b^2 P), or 0 when either is 0. Corpus value:
// the mean over images (NumPy's summation order). Tokens are the tokenized string split on ' ' exactly as rouge.py
// does, so an empty caption is one empty token. Scale: [0, 1] officially; `rougeL()` reports it x100.
import type { CaptionItem, MetricResult } from './types.ts';
import type { CaptionNgrams, TokenizedCaptions } from './caption-ngrams.ts';
import { tokenizeCaptionItems } from './text/ptb-tokenize.ts';
import { numpySum } from './numeric/numpy-sum.ts';

const BETA = 1.2;
const BETA_SQUARED = BETA ** 2;

export interface RougeLValues {
  corpus: number;
  perImage: Float64Array;
}

/** ROUGE-L of tokenized captions (pycocoevalcap's `Rouge().compute_score` on the same strings). */
export function rougeLOfTokenized(items: readonly TokenizedCaptions[]): RougeLValues {
  const vocabulary = new Map<string, number>();
  const toIds = (text: string): Int32Array => {
    const words = text.split(' ');
    const ids = new Int32Array(words.length);
    for (let w = 0; w < words.length; w++) {
      let id = vocabulary.get(words[w]!);
      if (id === undefined) vocabulary.set(words[w]!, (id = vocabulary.size));
      ids[w] = id;
    }
    return ids;
  };
  const perImage = new Float64Array(items.length);
  let row = new Int32Array(64);
  for (let i = 0; i < items.length; i++) {
    const candidate = toIds(items[i]!.prediction);
    let bestPrecision = -Infinity;
    let bestRecall = -Infinity;
    for (const reference of items[i]!.references) {
      const tokens = toIds(reference);
      if (row.length <= candidate.length) row = new Int32Array(candidate.length * 2 + 1);
      const lcs = lcsLength(tokens, candidate, row);
      bestPrecision = Math.max(bestPrecision, lcs / candidate.length);
      bestRecall = Math.max(bestRecall, lcs / tokens.length);
    }
    perImage[i] = fMeasure(bestPrecision, bestRecall);
  }
  return { corpus: numpySum(perImage) / items.length, perImage };
}

/**
 * ROUGE-L from the token ids of CaptionNgrams, when its sentences split on ' ' as they split on whitespace
 * (`ngrams.spaceSplit`, true of every ptbTokenize output but an empty caption): the same tokens, compared by id, so
 * the same values as rougeLOfTokenized without splitting and looking up every sentence's words again.
 */
export function rougeLOfNgrams(ngrams: CaptionNgrams): RougeLValues {
  if (!ngrams.spaceSplit) throw new Error('rougeLOfNgrams: the sentences do not split on single spaces');
  const { images, firstSentence, tokens, tokenStart } = ngrams;
  const perImage = new Float64Array(images);
  let row = new Int32Array(64);
  // Per token id, the bit set of the candidate's positions holding it (bit p = position p), for candidates of at most
  // 32 tokens: their LCS with each reference is then computed 32 positions at a time (lcsLengthBits).
  let vocabulary = 0;
  for (let t = 0; t < tokens.length; t++) if (tokens[t]! >= vocabulary) vocabulary = tokens[t]! + 1;
  const positions = new Int32Array(vocabulary);
  for (let i = 0; i < images; i++) {
    const c = firstSentence[i]!;
    const candidate = tokens.subarray(tokenStart[c]!, tokenStart[c + 1]!);
    const bits = candidate.length <= 32;
    if (bits) for (let p = 0; p < candidate.length; p++) positions[candidate[p]!]! |= 1 << p;
    else if (row.length <= candidate.length) row = new Int32Array(candidate.length * 2 + 1);
    let bestPrecision = -Infinity;
    let bestRecall = -Infinity;
    for (let r = c + 1; r < firstSentence[i + 1]!; r++) {
      const reference = tokens.subarray(tokenStart[r]!, tokenStart[r + 1]!);
      const lcs = bits ? lcsLengthBits(reference, candidate.length, positions) : lcsLength(reference, candidate, row);
      bestPrecision = Math.max(bestPrecision, lcs / candidate.length);
      bestRecall = Math.max(bestRecall, lcs / reference.length);
    }
    perImage[i] = fMeasure(bestPrecision, bestRecall);
    if (bits) for (let p = 0; p < candidate.length; p++) positions[candidate[p]!] = 0;
  }
  return { corpus: numpySum(perImage) / images, perImage };
}

/**
 * The length of the longest common subsequence of `a` and a candidate of `n` <= 32 tokens, given the candidate as bit
 * sets of positions per token: the bit-parallel algorithm of Allison and Dix (1986; Crochemore et al. 2001), in which
 * the zero bits of V after reading `a` are the LCS. Each token of `a` costs a few 32-bit operations instead of a row
 * of the table; the lengths are the same integers as lcsLength's.
 */
function lcsLengthBits(a: Int32Array, n: number, positions: Int32Array): number {
  let v = -1; // all ones
  for (let i = 0; i < a.length; i++) {
    const u = v & positions[a[i]!]!;
    v = ((v >>> 0) + (u >>> 0)) | (v & ~u);
  }
  const zeros = ~v & (n === 32 ? -1 : (1 << n) - 1);
  return popCount(zeros);
}

function popCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function fMeasure(precision: number, recall: number): number {
  return precision !== 0 && recall !== 0 ? ((1 + BETA_SQUARED) * precision * recall) / (recall + BETA_SQUARED * precision) : 0;
}

/** Length of the longest common subsequence, one DP row of `b.length + 1` cells (reused scratch `row`). */
function lcsLength(a: Int32Array, b: Int32Array, row: Int32Array): number {
  row.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    let diagonal = 0; // the previous row's value at j - 1
    const token = a[i]!;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = token === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Corpus ROUGE-L (key `rouge_l`, x100) after PTB tokenization; per item: that image's ROUGE-L x100. */
export function rougeL(items: CaptionItem[]): MetricResult {
  const values = rougeLOfTokenized(tokenizeCaptionItems(items));
  return { n: items.length, scores: { rouge_l: values.corpus * 100 }, perItem: Array.from(values.perImage, (v) => v * 100) };
}
