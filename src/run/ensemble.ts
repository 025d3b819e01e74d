// Prompt ensembling for close-ended tasks (Flamingo appendix; open_flamingo's `--classification_prompt_ensembling`):
// each query is scored with several orderings of its chosen demonstrations and the candidates' log-likelihoods are
// averaged over the orderings. As open_flamingo, min(n, shots!) orderings; unlike it, the orderings are distinct
// (it reshuffles, so two of its "permutations" can coincide) and the first is the sampler's own order (so
// `--prompt-ensemble 1` is a plain run, and RICES keeps its most-similar-last ordering among them). The other
// orderings are keyed by (seed, task, query id, shots, k) like every other random choice.
import { rngFor, shuffled } from '../core/random.ts';
import type { Shot } from '../core/types.ts';

/** The number of orderings to average: min(n, shots!). */
export function orderingCount(requested: number, shots: number): number {
  let factorial = 1;
  for (let k = 2; k <= shots && factorial < requested; k++) factorial *= k;
  return Math.max(1, Math.min(requested, factorial));
}

/**
 * The orderings of `shots` beyond its own: `orderingCount(n, shots.length) - 1` distinct permutations, none equal to
 * `shots` itself.
 */
export function extraOrderings(shots: readonly Shot[], requested: number, seed: number, taskId: string, queryId: string): Shot[][] {
  const count = orderingCount(requested, shots.length);
  const key = (ordering: readonly Shot[]) => ordering.map((shot) => shot.example.id).join('\u0000');
  const seen = new Set([key(shots)]);
  const orderings: Shot[][] = [];
  // Draws until `count - 1` new orderings appear; when count = shots! (e.g. 3 shots, 6 orderings) this is a coupon
  // collector's ~15 draws, at most a few dozen.
  for (let k = 0; orderings.length < count - 1; k++) {
    const ordering = shuffled(shots, rngFor('prompt-ensemble', seed, taskId, queryId, shots.length, k));
    const id = key(ordering);
    if (seen.has(id)) continue;
    seen.add(id);
    orderings.push(ordering);
  }
  return orderings;
}

/** The element-wise mean of each ordering's log-likelihoods (in candidate order). */
export function meanLogLikelihoods(perOrdering: readonly (readonly number[])[]): number[] {
  const mean = new Array<number>(perOrdering[0]!.length).fill(0);
  for (const scores of perOrdering) for (let c = 0; c < mean.length; c++) mean[c]! += scores[c]!;
  return mean.map((sum) => sum / perOrdering.length);
}
