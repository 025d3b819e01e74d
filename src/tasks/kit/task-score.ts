// A task's score from its scored items: each item in the shape of the benchmark's scorer (metrics/), the scorer's
// MetricResult as a TaskScore. Numeric values stay as they are; `*_by_type` objects are flattened to `<key>.<type>` so
// every value is a number (the record and `--json` keep them all).
import { scoreCaptions } from '../../metrics/caption.ts';
import type { AnswerItem, MetricResult } from '../../metrics/types.ts';
import { vqaAccuracy } from '../../metrics/vqa-accuracy.ts';
import { classificationAccuracy } from '../../metrics/top-k.ts';
import { InputError } from '../../core/errors.ts';
import { tokenizeCaptionItems } from '../../metrics/text/ptb-tokenize.ts';
import { ciderDResampler, perItemMean } from '../../stats/resamplers.ts';
import type { ExampleRecord, ScoredItem, TaskScore } from '../../core/types.ts';

/**
 * `resample`: how bootstrap intervals recompute the primary metric on a resample (TaskScore.resampler). `'mean'`
 * declares the primary metric a mean of the per-item values: it is taken only if that holds on the whole set (a
 * scorer whose headline is not the mean of its `perItem` is rescored per resample instead).
 */
export function toTaskScore(
  result: MetricResult,
  primary: string,
  resample?: 'mean' | (() => (indices: Uint32Array) => number),
): TaskScore {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(result.scores)) {
    if (typeof value === 'number') metrics[key] = value;
    else for (const [type, v] of Object.entries(value)) metrics[`${key}.${type}`] = v;
  }
  const score: TaskScore = { metrics, primary };
  if (result.perItem) score.perItem = result.perItem;
  if (typeof resample === 'function') score.resampler = resample;
  else if (resample === 'mean' && result.perItem && isMeanOf(result.perItem, metrics[primary])) {
    const perItem = result.perItem;
    score.resampler = () => perItemMean(perItem);
  }
  return score;
}

function isMeanOf(values: readonly number[], value: number | undefined): boolean {
  if (value === undefined || values.length === 0) return false;
  let sum = 0;
  for (const v of values) sum += v;
  return Math.abs(sum / values.length - value) <= 1e-9 * Math.max(1, Math.abs(value));
}

/**
 * Captioning (COCO, Flickr30K, VATEX, YouCook2): examples carry their reference captions (string[]). CIDEr-D is the
 * paper's metric; BLEU-1..4 and ROUGE-L come with it from the same tokenization.
 */
export function scoreCaptionItems(items: ScoredItem[]): TaskScore {
  const captions = items.map((item) => ({ id: item.example.id, prediction: item.answer, references: item.example.reference as string[] }));
  // Intervals recompute CIDEr-D's document frequencies on each resample (tokenized once more, only when asked).
  return toTaskScore(scoreCaptions(captions), 'cider', () => ciderDResampler(tokenizeCaptionItems(captions)));
}

/** An open-ended answer against the accepted answers (by default the example's `reference`), with its `type` if any. */
export function answerItem(item: ScoredItem, answers = item.example.reference as string[]): AnswerItem {
  const out: AnswerItem = { id: item.example.id, prediction: item.answer, answers };
  if (item.example.type !== undefined) out.type = item.example.type;
  return out;
}

/** Answers scored by the benchmark's `scorer`; per-type values come out as `<metric>_by_type.<type>`. */
export function scoreAnswerItems(items: ScoredItem[], scorer: (answers: AnswerItem[]) => MetricResult, primary: string): TaskScore {
  return toTaskScore(scorer(items.map((item) => answerItem(item))), primary, 'mean');
}

/** VQA accuracy: vqaEval.py by default, or another scorer with the same item shape (VizWiz's, TextVQA's). */
export function scoreVqaAnswers(
  items: ScoredItem[],
  scorer: (answers: AnswerItem[]) => MetricResult = (answers) => vqaAccuracy(answers),
): TaskScore {
  return scoreAnswerItems(items, scorer, 'vqa_accuracy');
}

/** What a classification task's scorer needs of an item's reference: the ranked classes and the true one. */
export interface ClassReference {
  classes: readonly string[];
  label: string;
}

/**
 * Close-ended classification (ImageNet, Kinetics-700): each item's candidates ranked best first by their
 * log-likelihood, equal scores keeping the class order (as a stable sort of the candidates would), then top-k.
 */
export function scoreClassRankings(
  taskId: string,
  items: ScoredItem[],
  referenceOf: (item: ScoredItem) => ClassReference,
  primary: string,
): TaskScore {
  const ranked = items.map((item) => {
    const { classes, label } = referenceOf(item);
    const scores = item.scores;
    if (!scores || scores.length !== classes.length)
      throw new InputError(`${taskId}: item ${item.example.id} has no log-likelihood for each of the ${classes.length} classes`);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
    return { id: item.example.id, ranking: order.map((i) => classes[i]!), label };
  });
  // Top-1, top-5 and their mean are all means over items of an item's own value: resamples average those.
  return toTaskScore(classificationAccuracy(ranked), primary, () =>
    perItemMean(ranked.map((item) => classificationAccuracy([item]).scores[primary] as number)),
  );
}

/**
 * Top-1 / top-5 of a classification record from what it keeps of each example (src/run/record.ts, rankSummary): the
 * correct class's rank among all, which decides top-k for any k. Not the class names: ImageNet's list names two
 * classes "crane" (the bird, the machine), so a name in the top 5 is not the correct class.
 */
export function rescoreClassRecord(examples: ExampleRecord[], primary: string): TaskScore {
  const items = examples
    .filter((example) => example.skipped === undefined)
    .map((example) => {
      if (!example.gold) throw new InputError(`example ${example.id} has no "gold" rank (a record written with the keep-all-scores task argument keeps candidateScores instead)`);
      const rank = example.gold.rank;
      // A stand-in ranking with the correct class at its rank (nothing past rank 6 matters to top-5).
      const ranking = Array.from({ length: Math.min(rank, 6) }, (_, i) => (i === rank - 1 ? 'gold' : `other ${i}`));
      return { id: example.id, ranking, label: 'gold' };
    });
  return toTaskScore(classificationAccuracy(items), primary);
}
