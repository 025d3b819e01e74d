// Ways to recompute a metric on a bootstrap resample of the scored items, fastest first:
// - a mean of per-item values (VQA accuracy, accuracy, WUPS, NDCG, top-1): the mean of the resample's values;
// - CIDEr-D: the document frequencies of the resampled set from per-image n-gram lists (metrics/cider-d.ts), without
//   tokenizing or counting again;
// - anything else (ROC-AUC, a user's task): the scorer run again on the resampled items, each repeat an item of its
//   own (an id suffix keeps ids unique), which is the definition itself.
import { CaptionNgrams, type TokenizedCaptions } from '../metrics/caption-ngrams.ts';
import { CiderDResampler } from '../metrics/cider-d.ts';
import type { ScoredItem, Task, TaskScore } from '../core/types.ts';
import type { Resampler } from './query-bootstrap.ts';

/** The mean of the resample's per-item values (on the values' scale). */
export function perItemMean(values: ArrayLike<number>): Resampler {
  const copy = Float64Array.from(values);
  return (indices) => {
    let sum = 0;
    for (let k = 0; k < indices.length; k++) sum += copy[indices[k]!]!;
    return sum / indices.length;
  };
}

/** Corpus CIDEr-D x100 (the papers' scale) of resampled images, as pycocoevalcap computes it on the resampled set. */
export function ciderDResampler(tokenized: readonly TokenizedCaptions[]): Resampler {
  const resampler = new CiderDResampler(new CaptionNgrams(tokenized));
  return (indices) => resampler.corpus(indices) * 100;
}

/** The scorer run on the resampled items; a RangeError (a metric undefined on that set) gives NaN. */
export function rescoring<T>(items: readonly T[], score: (sample: T[]) => number, unique: (item: T, k: number) => T): Resampler {
  return (indices) => {
    const sample = Array.from(indices, (i, k) => unique(items[i]!, k));
    try {
      return score(sample);
    } catch (error) {
      if (error instanceof RangeError) return Number.NaN;
      throw error;
    }
  };
}

/**
 * A resampler of the task's primary metric over the scored items: the one the task's score provides, or the task's
 * scorer run again on each resample.
 */
export function taskResampler(task: Pick<Task, 'id' | 'score'>, items: readonly ScoredItem[], score: TaskScore): Resampler {
  if (score.resampler) return score.resampler();
  return rescoring(
    items,
    (sample) => {
      const value = task.score(sample).metrics[score.primary];
      return typeof value === 'number' ? value : Number.NaN;
    },
    (item, k) => ({ ...item, example: { ...item.example, id: `${item.example.id}#${k}` } }),
  );
}

/**
 * A resampler over positions 0..total-1 of a trial whose scored items are at `scored` positions (the rest were skipped
 * for unreadable media): a resample's positions that were not scored in this trial are left out of it.
 */
export function overPositions(total: number, scored: readonly number[], inner: Resampler): Resampler {
  if (scored.length === total) return inner;
  const toScored = new Int32Array(total).fill(-1);
  scored.forEach((position, k) => (toScored[position] = k));
  return (indices) => {
    const kept: number[] = [];
    for (let k = 0; k < indices.length; k++) {
      const at = toScored[indices[k]!]!;
      if (at >= 0) kept.push(at);
    }
    return kept.length === 0 ? Number.NaN : inner(Uint32Array.from(kept));
  };
}
