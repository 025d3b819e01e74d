// The `keep-all-scores` argument of the classification tasks (ImageNet, Kinetics-700). Their records keep, per
// example, the best few candidates and the correct one's rank and score (Task.goldCandidate) rather than one score per
// class (ImageNet: 1000 per query, ~200 MB per seed at the protocol's 10,000 queries); `--task-arg
// <task>.keep-all-scores=true` keeps every score. Only the record's size changes, not a number, so it is not part of
// the configuration identity.
import type { ArgSpec, Task } from '../../core/types.ts';

export const KEEP_ALL_SCORES: ArgSpec = {
  name: 'keep-all-scores',
  type: 'boolean',
  default: false,
  replaces: '--keep-all-scores',
  description: "keep every class's score per example in the record (default: the top 5 and the correct class's rank and score)",
};

/** The task with the `keep-all-scores` argument: set, the configured task has no goldCandidate, so nothing is summarised. */
export function withKeepAllScores(task: Task): Task {
  const configured: Task = {
    ...task,
    args: [...(task.args ?? []), KEEP_ALL_SCORES],
    configure: (args) => {
      if (args[KEEP_ALL_SCORES.name] !== true) return configured;
      const { goldCandidate: _summarised, ...all } = configured;
      return all;
    },
  };
  return configured;
}
