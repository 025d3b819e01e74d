// The confidence interval a record carries (summary.ci): queries resampled, each seed's metric recomputed on the
// resample as its scorer computes it on that set, seeds averaged within each resample (src/stats/query-bootstrap.ts).
// A trial's resampler is built when the trial is scored (buildTrial, which has the scored items) and kept beside the
// trial object until the record is assembled.
import type { RecordInterval, ScoredItem, Task, TaskScore, Trial } from '../core/types.ts';
import { queryInterval, type Resampler } from '../stats/query-bootstrap.ts';
import { overPositions, taskResampler } from '../stats/resamplers.ts';

/** Resamples per interval, and their seed: fixed, so that a record's interval is reproducible. */
export const CI_SAMPLES = 1000;
export const CI_SEED = 0;

interface TrialResampler {
  /** Query ids in plan order (the positions every seed's resample indexes). */
  ids: string[];
  resampler: Resampler;
}

const resamplers = new WeakMap<Trial, TrialResampler>();

/**
 * Remembers how to recompute `trial`'s primary metric on a resample of its queries: `ids` are all its queries in plan
 * order, `scored` the positions of those that were scored (the items given to `task.score`).
 */
export function attachResampler(
  trial: Trial,
  task: Pick<Task, 'id' | 'score'>,
  ids: string[],
  scored: number[],
  items: ScoredItem[],
  score: TaskScore,
): void {
  // Built lazily: a trial that ends up in no record (a shard) never pays for it.
  let built: Resampler | undefined;
  const resampler: Resampler = (indices) => {
    built ??= overPositions(ids.length, scored, taskResampler(task, items, score));
    return built(indices);
  };
  resamplers.set(trial, { ids, resampler });
}

/**
 * The 95% interval of the record's headline number (the mean over trials), or undefined when a trial has no resampler
 * (an unscored split) or the trials were run on different queries.
 */
export function recordInterval(trials: Trial[]): RecordInterval | undefined {
  const parts = trials.map((trial) => resamplers.get(trial));
  if (parts.length === 0 || parts.some((part) => part === undefined)) return undefined;
  const first = parts[0]!.ids;
  if (parts.some((part) => part!.ids.length !== first.length || part!.ids.some((id, i) => id !== first[i]))) return undefined;
  try {
    const ci = queryInterval(first.length, parts.map((part) => part!.resampler), { samples: CI_SAMPLES, seed: CI_SEED });
    return { ...ci };
  } catch (error) {
    // Undefined on every resample (ROC-AUC of a set with one class): the record says so by having no interval.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
