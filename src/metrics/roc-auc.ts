// Area under the ROC curve (HatefulMemes), x100, as scikit-learn's `roc_auc_score` computes it for a binary label:
// one ROC point per distinct score (tied scores move together, so ties count half), collinear points dropped
// (`drop_intermediate`), (0, 0) prepended, then the trapezoidal rule summed in NumPy's order — so the value matches
// sklearn bit for bit, not only to the printed digits. Undefined (an error) when only one class is present.
import { UndefinedMetricError } from '../core/errors.ts';
import type { MetricResult } from './types.ts';
import { numpySum } from './numeric/numpy-sum.ts';

export interface RocItem {
  id: string;
  /** The model's score for the positive class (a probability or any monotone score). */
  score: number;
  label: 0 | 1;
}

export function rocAuc(items: readonly RocItem[]): MetricResult {
  let positives = 0;
  items.forEach((item, index) => {
    if (!Number.isFinite(item.score)) throw new RangeError(`ROC-AUC: item ${index} (id ${item.id}) has score ${item.score}`);
    if (item.label !== 0 && item.label !== 1) {
      throw new RangeError(`ROC-AUC: item ${index} (id ${item.id}) has label ${String(item.label)}, expected 0 or 1`);
    }
    positives += item.label;
  });
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new UndefinedMetricError(
      `ROC-AUC is undefined when only one class is present: all ${items.length} items have label ${positives ? 1 : 0}`,
    );
  }
  return { n: items.length, scores: { roc_auc: 100 * binaryAuc(items) } };
}

/** The area in [0, 1]. */
function binaryAuc(items: readonly RocItem[]): number {
  const order = Array.from(items.keys()).sort((a, b) => items[b]!.score - items[a]!.score);
  // Cumulative true/false positives at the last item of each run of equal scores (sklearn's thresholds).
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((index, k) => {
    if (items[index]!.label === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || items[next]!.score !== items[index]!.score) {
      tps.push(tp);
      fps.push(fp);
    }
  });
  // drop_intermediate: keep the ends and every point where the curve bends.
  const keep: number[] = [];
  for (let i = 0; i < tps.length; i++) {
    const end = i === 0 || i === tps.length - 1 || tps.length <= 2;
    const bends = !end && (fps[i - 1]! - 2 * fps[i]! + fps[i + 1]! !== 0 || tps[i - 1]! - 2 * tps[i]! + tps[i + 1]! !== 0);
    if (end || bends) keep.push(i);
  }
  const fpr = [0, ...keep.map((i) => fps[i]! / fp)];
  const tpr = [0, ...keep.map((i) => tps[i]! / tp)];
  const terms = new Float64Array(fpr.length - 1);
  for (let i = 0; i < terms.length; i++) terms[i] = ((fpr[i + 1]! - fpr[i]!) * (tpr[i + 1]! + tpr[i]!)) / 2.0;
  return numpySum(terms);
}
