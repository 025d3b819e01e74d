// VizWiz-VQA accuracy as the VizWiz challenge's evaluation computes it: the VizWiz VQA API's `VQAEval.evaluate`
// (Qing Li, distributed from https://vizwiz.org/tasks-and-datasets/vqa/; read from public copies of it). Scale:
// percent (0..100), overall, per answer type (`unanswerable` is one) and per item.
//
// It is VQA accuracy (vqa-accuracy.ts) with a different normalisation rule, which decides matches:
// - the prediction is ALWAYS normalised (whitespace, punctuation, lower case, number words, articles, contractions:
//   vqa-normalize.ts), whatever the human answers are;
// - the human answers are NEVER normalised: they are compared as the annotation file writes them.
// Per question, with human answers g_1..g_n: acc = (1/n) * sum over i of min(1, #{ j != i : g_j == prediction } / 3),
// summed left to right as the script does. (Copies of the script spell a few contraction targets with ’ or `; we use
// vqaEval.py's table. It only matters for predictions such as "dont".)
import { InputError } from '../core/errors.ts';
import type { AnswerItem, MetricResult } from './types.ts';
import { meanByType, scaledMean } from './by-type.ts';
import { normalizeVqaAnswer } from './text/vqa-normalize.ts';

/** Keys: `vqa_accuracy` (percent) and, when items have types, `vqa_accuracy_by_type`; perItem in percent. */
export function vizwizAccuracy(items: AnswerItem[]): MetricResult {
  if (items.length === 0) throw new InputError('VizWiz accuracy: there are no items to score');
  const perQuestion = items.map((item) => vizwizQuestionAccuracy(item));
  const scores: MetricResult['scores'] = { vqa_accuracy: scaledMean(perQuestion, 100) };
  const byType = meanByType(perQuestion, items.map((item) => item.type), 100);
  if (byType) scores.vqa_accuracy_by_type = byType;
  return { n: items.length, scores, perItem: perQuestion.map((acc) => 100 * acc) };
}

/** One question's accuracy in 0..1 (the script's `avgGTAcc`). */
export function vizwizQuestionAccuracy(item: AnswerItem): number {
  const answers = item.answers;
  if (answers.length === 0) throw new InputError(`VizWiz accuracy: item ${item.id} has no reference answers`);
  const prediction = normalizeVqaAnswer(item.prediction);
  let matches = 0;
  for (const answer of answers) if (answer === prediction) matches++;
  let sum = 0;
  for (const answer of answers) sum += Math.min(1, (matches - (answer === prediction ? 1 : 0)) / 3);
  return sum / answers.length;
}
