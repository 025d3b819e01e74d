// VisDial NDCG, x100, as the VisDial v1.0 evaluation defines it (batra-mlp-lab/visdial-challenge-starter-pytorch,
// `visdialch/metrics.py`, class NDCG): for each dialogue round with dense annotations, rank the candidate answers by
// descending score, let k be the number of candidates with non-zero relevance, DCG@k = sum over the top k of
// relevance / log2(position + 1) (positions from 1), divided by the same sum over the relevances sorted in
// descending order; the score is the mean over rounds.
//
// Ties: the official code orders candidates with `torch.sort(descending=True)`, which on CPU is libstdc++'s unstable
// `std::sort`; we reproduce that order (src/metrics/numeric/std-sort.ts), so tied scores give the official CPU result.
// (On a GPU PyTorch uses other sort kernels, whose tie order can differ; with ranks as input there are no ties.)
// Precision: the official code sums in float32; we sum in float64, so the two can differ in about the 7th digit.
import { UndefinedMetricError } from '../core/errors.ts';
import type { MetricResult } from './types.ts';
import { stdSort } from './numeric/std-sort.ts';

export interface NdcgItem {
  /** The dialogue round, e.g. `"185565_6"` (image id and 1-based round id). */
  id: string;
  /** One score per candidate answer, higher is better (VisDial: 100 candidates). */
  scores: readonly number[];
  /** Dense relevance of each candidate, in the same order (VisDial: the `gt_relevance` list). */
  relevance: readonly number[];
}

export function visdialNdcg(items: readonly NdcgItem[]): MetricResult {
  const perItem = items.map((item, index) => 100 * roundNdcg(item, index));
  let total = 0;
  for (const value of perItem) total += value;
  return { n: items.length, scores: { ndcg: items.length ? total / items.length : NaN }, perItem };
}

/** NDCG of one round, in [0, 1]. */
export function roundNdcg(item: NdcgItem, index = 0): number {
  const { scores, relevance } = item;
  const where = `NDCG: item ${index} (id ${item.id})`;
  if (scores.length !== relevance.length) {
    throw new RangeError(`${where} has ${scores.length} scores but ${relevance.length} relevance values`);
  }
  if (scores.some((s) => Number.isNaN(s))) throw new RangeError(`${where} has a NaN score`);
  if (relevance.some((r) => !Number.isFinite(r) || r < 0)) throw new RangeError(`${where} has a relevance that is not a non-negative number`);
  const k = relevance.reduce((count, r) => count + (r !== 0 ? 1 : 0), 0);
  if (k === 0) throw new UndefinedMetricError(`${where} has no candidate with non-zero relevance, so its NDCG is undefined`);

  const ranking = scores.map((score, candidate) => ({ score, candidate }));
  stdSort(ranking, (a, b) => a.score > b.score);
  const ideal = relevance.slice().sort((a, b) => b - a);
  let dcg = 0;
  let best = 0;
  for (let position = 0; position < k; position++) {
    const discount = Math.log2(position + 2);
    dcg += relevance[ranking[position]!.candidate]! / discount;
    best += ideal[position]! / discount;
  }
  return dcg / best;
}
