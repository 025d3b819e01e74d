// Average precision as scikit-learn's `average_precision_score` computes it (binary, optional sample weights):
// AP = sum over distinct score thresholds, from the highest, of (R_k - R_{k-1}) * P_k, with weighted precision and
// recall and no interpolation. Tied scores form one threshold. Reproduces sklearn's arithmetic (descending order of
// a stable ascending argsort, cumulative sums, the final `np.sum` in NumPy's order), so values match it bit for bit.
import { numpySum } from './numeric/numpy-sum.ts';

/** AP in [0, 1]. `weights` defaults to 1 for every sample; at least one positive with non-zero weight is needed. */
export function averagePrecision(
  labels: ArrayLike<0 | 1>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  const n = labels.length;
  // sklearn drops zero-weight samples first, then reverses a stable ascending sort: ties end up in reverse input order.
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!weights || weights[i] !== 0) kept.push(i);
  kept.sort((a, b) => scores[a]! - scores[b]! || a - b).reverse();

  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < kept.length; k++) {
    const i = kept[k]!;
    const w = weights ? weights[i]! : 1;
    if (labels[i] === 1) tp += w;
    else fp += w;
    const next = kept[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  if (tp === 0) throw new RangeError('average precision needs at least one positive sample');
  // Terms from the lowest threshold to the highest, as sklearn's reversed curve lists them.
  const terms = new Float64Array(tps.length);
  for (let j = 0; j < tps.length; j++) {
    const k = tps.length - 1 - j;
    const recall = tps[k]! / tp;
    const previousRecall = k > 0 ? tps[k - 1]! / tp : 0;
    const denominator = tps[k]! + fps[k]!;
    const precision = denominator !== 0 ? tps[k]! / denominator : 0;
    terms[j] = (recall - previousRecall) * precision;
  }
  return numpySum(terms);
}
