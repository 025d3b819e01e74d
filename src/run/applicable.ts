// Flags that cannot apply to any task of the run are refused rather than silently ignored: `--frames` when no task
// reads videos, `--prompt-ensemble n` (n > 1) when no task ranks candidates. In a run of several tasks a flag that
// applies to some of them applies to those. (Flags of a backend are the backend's to check.)
import { UsageError } from '../core/errors.ts';
import type { Task } from '../core/types.ts';

export function checkFlagsApply(flags: Record<string, unknown>, tasks: Pick<Task, 'id' | 'modality' | 'kind'>[]): void {
  const ids = tasks.map((task) => task.id).join(', ');
  if (flags.frames !== undefined && !tasks.some((task) => task.modality === 'video')) {
    throw new UsageError(`--frames ${String(flags.frames)} samples video frames, but --task ${ids} reads no videos: drop the flag`);
  }
  const ensemble = flags.promptEnsemble === undefined ? 1 : Number(flags.promptEnsemble);
  if (ensemble > 1 && !tasks.some((task) => task.kind === 'rank')) {
    throw new UsageError(
      `--prompt-ensemble ${String(flags.promptEnsemble)} averages the ranking of candidates over orderings of the demonstrations, ` +
        `but --task ${ids} ranks no candidates (open-ended tasks generate their answer): drop the flag`,
    );
  }
}
