// Top-k classification accuracy over ranked class lists: ImageNet (headline: top-1) and Kinetics700 2020 (headline:
// the mean of top-1 and top-5, as the Flamingo paper reports it). Scale: percent.
//
// An item is correct at k when its label is among the first k classes of its ranking. A ranking shorter than k counts
// what it has (a label absent from the ranking is never correct).
import { InputError, UsageError } from '../core/errors.ts';
import type { MetricResult } from './types.ts';

export interface RankedItem {
  id: string;
  /** Class names, best first. */
  ranking: string[];
  label: string;
}

function correctAt(item: RankedItem, k: number): boolean {
  const limit = Math.min(k, item.ranking.length);
  for (let i = 0; i < limit; i++) if (item.ranking[i] === item.label) return true;
  return false;
}

/** Percent of items whose label is in the top `k` of their ranking. */
export function topKAccuracy(items: RankedItem[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`top-k accuracy: k must be a positive integer, got ${k}`);
  if (items.length === 0) throw new InputError('top-k accuracy: there are no items to score');
  let correct = 0;
  for (const item of items) if (correctAt(item, k)) correct++;
  return (100 * correct) / items.length;
}

/** Keys `top1_accuracy`, `top5_accuracy`, `top1_top5_avg_accuracy` (percent); perItem: top-1 correctness x100. */
export function classificationAccuracy(items: RankedItem[]): MetricResult {
  const top1 = topKAccuracy(items, 1);
  const top5 = topKAccuracy(items, 5);
  return {
    n: items.length,
    scores: { top1_accuracy: top1, top5_accuracy: top5, top1_top5_avg_accuracy: (top1 + top5) / 2 },
    perItem: items.map((item) => (correctAt(item, 1) ? 100 : 0)),
  };
}
