// One run record as the leaderboard, plot and report see it (src/leaderboard/records.ts reads it), and the run choices
// that make two runs of one model different rows (src/leaderboard/board.ts groups by them).
import type { ContextUse } from '../core/types.ts';
import type { DemonstrationSelection } from '../paper/types.ts';
import type { Ablation } from '../run/ablation-names.ts';

/** What makes two runs of one model different rows: the run choices that change its numbers. */
export interface RunVariant {
  demonstrations: DemonstrationSelection;
  /** `--prompt-style` (`paper` by default). */
  promptStyle: string;
  /** `--prompt-ensemble`: orderings averaged (1: none). */
  ensemble: number;
  /**
   * The task and backend arguments that are part of the identity, when not at their default (`--task-arg
   * okvqa.stem=true`): `{"okvqa.stem": true}`; task arguments are named with their task, backend ones alone.
   */
  args?: Record<string, boolean | number | string>;
  /** `--ablation`: the run's prompts had this taken away (src/run/ablation.ts); absent for a plain run. */
  ablation?: Ablation;
}

/** What the leaderboard reads from one run record (one model x task x shots). */
export interface RecordEntry extends RunVariant {
  file: string;
  createdAt: string;
  model: string;
  /** The model family (`model.family` of the record; sizes of one family are joined by a line in size plots). */
  family?: string;
  parameters: number;
  task: string;
  metric: string;
  /** `--split` of the run; null for the task's default query split. */
  split: string | null;
  shots: number;
  /** Mean and sample std of the primary metric over the record's trials (seeds); NaN when `undefined` is set. */
  mean: number;
  std: number;
  /** Why the primary metric has no value: undefined on the queries evaluated (ROC-AUC with one class, ...). */
  undefined?: string;
  trials: number;
  sample: boolean;
  /** Queries evaluated per trial. */
  queries: number;
  /** The 95% bootstrap interval of `mean` over the queries (summary.ci), in records that have one. */
  ci?: { low: number; high: number; level: number };
  /** The trials' seeds (config.seeds), when the record lists one per trial. */
  seeds?: number[];
  /** Evaluated on a `--limit` subset of the query split rather than the whole split or the paper's protocol. */
  subset: boolean;
  /** `--protocol flamingo` on a copy holding fewer queries than the protocol asks. */
  protocolShortfall?: { asked: number; evaluated: number };
  /** A served model decoded greedily in place of the task's beam search (model.greedyInsteadOfBeams, open-ended tasks). */
  greedy?: boolean;
  /**
   * The run's configuration identity (src/run/identity.ts) and its parts' hashes; records written before identities
   * existed get one from what they hold (configuration hash, limit, seeds, sample flag) and no parts.
   */
  identity?: string;
  identityParts?: Record<string, string>;
  /** The record's context-use figures (means over seeds); absent in records written before they existed. */
  contextUse?: ContextUse;
}

