// The published numbers flamingo-eval ships for `flamingo-eval leaderboard --paper`.

/** How a row's demonstrations were chosen; the values of `--sampler`. */
export type DemonstrationSelection = 'random' | 'rices';

/** One published number: a model's primary metric on a task at a number of shots, as its source prints it. */
export interface PublishedRow {
  model: string;
  /** Nominal parameter count from the model's name (3B = 3e9). */
  parameters: number;
  task: string;
  shots: number;
  metric: string;
  /** On the papers' scale (CIDEr x100, accuracies and ROC-AUC in percent). */
  value: number;
  /** Standard deviation over `trials` seeds, where the source gives one (OpenFlamingo). */
  std?: number;
  trials?: number;
  demonstrations: DemonstrationSelection;
  /** Prompt ensembling: log-likelihoods averaged over this many orderings of the demonstrations (absent: none). */
  ensemble?: number;
  /** Where the number is printed (paper URL and table, or model card). */
  source: string;
}

export interface PublishedNumbers {
  about: string;
  rows: PublishedRow[];
}
