// Percentile bootstrap confidence interval (Efron & Tibshirani 1993, ch. 13): resample the n scored items with
// replacement, recompute the statistic on each resample, and take the (1 - level)/2 and (1 + level)/2 quantiles of
// the resampled values (linear interpolation between order statistics, NumPy's default `percentile` method).
// Seeded through `rngFor`, so the same seed gives the same interval on any machine.
import { randomIntsFor } from '../core/random.ts';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  samples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Resamples on which the statistic was defined (a resample where it returns NaN, e.g. ROC-AUC drawn from one class, is left out). */
  samples: number;
  level: number;
}

/**
 * `statistic` receives the indices (into the caller's items, with repeats) of one resample and returns the metric on
 * those items, or NaN where the metric is undefined for that resample.
 */
export function bootstrapCI(
  n: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapIntervals(n, (indices) => ({ value: statistic(indices) }), options).value!;
}

/**
 * Several statistics over the same resamples (one interval per key), for metrics computed together: `statistic`
 * returns a value per key for each resample.
 */
export function bootstrapIntervals(
  n: number,
  statistic: (indices: Uint32Array) => Record<string, number>,
  options: BootstrapOptions = {},
): Record<string, BootstrapInterval> {
  const samples = options.samples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bootstrap needs at least one item, got n = ${n}`);
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`bootstrap samples must be a positive integer, got ${samples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap level must be in (0, 1), got ${level}`);
  const values = new Map<string, number[]>();
  forEachResample(n, samples, seed, (indices) => {
    for (const [key, value] of Object.entries(statistic(indices))) {
      if (!values.has(key)) values.set(key, []);
      if (!Number.isNaN(value)) values.get(key)!.push(value);
    }
  });
  const alpha = (1 - level) / 2;
  const out: Record<string, BootstrapInterval> = {};
  for (const [key, list] of values) {
    if (list.length === 0) throw new RangeError(`the statistic ${key} was undefined on all ${samples} bootstrap resamples`);
    list.sort((a, b) => a - b);
    out[key] = { low: quantile(list, alpha), high: quantile(list, 1 - alpha), samples: list.length, level };
  }
  return out;
}

/**
 * Calls `visit` with the indices of each of `samples` resamples of n items (drawn with replacement), seeded: the same
 * (n, samples, seed) gives the same resamples, so statistics of two systems on the same items can be paired.
 * The array is reused between calls.
 */
export function forEachResample(n: number, samples: number, seed: number, visit: (indices: Uint32Array, sample: number) => void): void {
  // The same draws as randomInt(rngFor('bootstrap', seed), n), n per resample, generated in bulk.
  const fill = randomIntsFor('bootstrap', seed);
  const indices = new Uint32Array(n);
  for (let s = 0; s < samples; s++) {
    fill(indices, n);
    visit(indices, s);
  }
}

/** Quantile `q` of ascending `sorted`, interpolating linearly between neighbours (NumPy's `linear` method). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below]! + fraction * (sorted[above]! - sorted[below]!);
}
