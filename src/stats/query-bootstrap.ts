// Uncertainty over the query set: a percentile bootstrap (Efron & Tibshirani 1993, ch. 13) that resamples the queries
// of a run and recomputes its metric on each resample as the benchmark's scorer computes it on that set (a corpus
// metric such as CIDEr-D or ROC-AUC is recomputed, not averaged from per-item values). A run has one trial per seed,
// all on the same queries: each resample draws query positions once and every seed is scored on those same
// positions, and the seeds' values are averaged inside the resample, so the interval describes the reported number
// (the mean over seeds) and carries both the query sampling error and the seeds' spread.
//
// Paired comparison (Koehn 2004, "Statistical significance tests for machine translation evaluation"; Efron &
// Tibshirani ch. 16): two runs scored on the same queries share every resample, and the interval is that of the
// difference B - A. Its two-sided p-value is twice the smaller share of resampled differences on either side of 0
// (the p-value that inverts the percentile interval: p < 1 - level exactly when 0 lies outside the interval, up to
// the discreteness of the resamples), with one added to numerator and denominator so that it is never 0. Several
// cells compared at once: Holm's (1979) step-down correction of the p-values.
import { forEachResample, quantile } from '../metrics/bootstrap.ts';

/** A metric recomputed on a resample: indices into the run's queries (repeats allowed); NaN where it is undefined. */
export type Resampler = (indices: Uint32Array) => number;

export interface IntervalOptions {
  /** Resamples (default 1000). */
  samples?: number;
  /** Seed of the resampling (default 0): the same seed draws the same query indices for any run of n queries. */
  seed?: number;
  /** Coverage (default 0.95). */
  level?: number;
}

export interface QueryInterval {
  low: number;
  high: number;
  level: number;
  /** Resamples drawn, and those on which the metric was defined (ROC-AUC of a one-class resample is not). */
  samples: number;
  defined: number;
  seed: number;
  method: 'percentile bootstrap over queries, seeds averaged within each resample';
}

export const INTERVAL_METHOD = 'percentile bootstrap over queries, seeds averaged within each resample' as const;

function settings(options: IntervalOptions): Required<IntervalOptions> {
  const samples = options.samples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`bootstrap samples must be a positive integer, got ${samples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap level must be in (0, 1), got ${level}`);
  return { samples, level, seed };
}

/** The mean over seeds of the metric on one resample (NaN when any seed's value is undefined). */
function seedMean(seeds: readonly Resampler[], indices: Uint32Array): number {
  let sum = 0;
  for (const resample of seeds) sum += resample(indices);
  return sum / seeds.length;
}

/** The bootstrap interval of the seed-averaged metric of one run on `n` queries (one resampler per seed). */
export function queryInterval(n: number, seeds: readonly Resampler[], options: IntervalOptions = {}): QueryInterval {
  const { samples, level, seed } = settings(options);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bootstrap needs at least one query, got n = ${n}`);
  if (seeds.length === 0) throw new RangeError('bootstrap needs at least one trial');
  const values: number[] = [];
  forEachResample(n, samples, seed, (indices) => {
    const value = seedMean(seeds, indices);
    if (!Number.isNaN(value)) values.push(value);
  });
  if (values.length === 0) throw new RangeError(`the metric was undefined on all ${samples} bootstrap resamples`);
  values.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return {
    low: quantile(values, alpha),
    high: quantile(values, 1 - alpha),
    level,
    samples,
    defined: values.length,
    seed,
    method: INTERVAL_METHOD,
  };
}

export interface PairedDifference {
  /** B - A on all the queries (each side: its mean over seeds). */
  difference: number;
  a: number;
  b: number;
  low: number;
  high: number;
  /** Two-sided bootstrap p-value of "no difference". */
  p: number;
  level: number;
  samples: number;
  defined: number;
  seed: number;
}

/** The identity resample: every query once, in order (the point estimate). */
export function allQueries(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

/**
 * Paired bootstrap of B - A on the same n queries: each resample's indices are given to every seed of both runs.
 * `a` and `b` hold one resampler per seed (the two runs may have different numbers of seeds).
 */
export function pairedDifference(
  n: number,
  a: readonly Resampler[],
  b: readonly Resampler[],
  options: IntervalOptions = {},
): PairedDifference {
  const { samples, level, seed } = settings(options);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bootstrap needs at least one query, got n = ${n}`);
  if (a.length === 0 || b.length === 0) throw new RangeError('bootstrap needs at least one trial on each side');
  const all = allQueries(n);
  const pointA = seedMean(a, all);
  const pointB = seedMean(b, all);
  const differences: number[] = [];
  forEachResample(n, samples, seed, (indices) => {
    const d = seedMean(b, indices) - seedMean(a, indices);
    if (!Number.isNaN(d)) differences.push(d);
  });
  if (differences.length === 0) throw new RangeError(`the difference was undefined on all ${samples} bootstrap resamples`);
  differences.sort((x, y) => x - y);
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (const d of differences) {
    if (d <= 0) atOrBelow++;
    if (d >= 0) atOrAbove++;
  }
  const p = Math.min(1, (2 * Math.min(atOrBelow, atOrAbove) + 1) / (differences.length + 1));
  const alpha = (1 - level) / 2;
  return {
    difference: pointB - pointA,
    a: pointA,
    b: pointB,
    low: quantile(differences, alpha),
    high: quantile(differences, 1 - alpha),
    p,
    level,
    samples,
    defined: differences.length,
    seed,
  };
}

/**
 * Holm's step-down adjusted p-values (Holm 1979), in the input order: sorted ascending, the i-th smallest (0-based)
 * becomes max over j <= i of min(1, (m - j) p_(j)). Rejecting where the adjusted p is below alpha controls the
 * family-wise error rate at alpha across the m comparisons.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export type Verdict = 'better' | 'worse' | 'no evidence';

/** B against A: better or worse where the (adjusted) p-value is below 1 - level, else no evidence. */
export function verdictOf(difference: number, adjustedP: number, level = 0.95): Verdict {
  if (adjustedP >= 1 - level || difference === 0) return 'no evidence';
  return difference > 0 ? 'better' : 'worse';
}
