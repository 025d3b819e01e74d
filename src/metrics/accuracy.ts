// Top-1 answer accuracy after the VQA normalisation, for the open-ended video QA sets scored by exact match
// (MSVD-QA, MSRVTT-QA) and STAR. Scale: percent; per item 100 (correct) or 0.
//
// A prediction is correct when, after normalizeVqaAnswer (whitespace, punctuation, number words, articles,
// contractions: vqa-normalize.ts), it equals at least one of the item's answers after the same normalisation.
// Unlike the official VQA script, the normalisation is always applied, to both sides: these datasets publish one
// answer per question (several only where a set lists alternatives), so the script's "only when the answers differ"
// rule would mean no normalisation at all.
import { InputError } from '../core/errors.ts';
import type { AnswerItem, MetricResult } from './types.ts';
import { meanByType, scaledMean } from './by-type.ts';
import { NormalizedAnswers } from './text/normalized-answers.ts';

/** Keys: `accuracy` (percent) and, when items have types, `accuracy_by_type`; perItem 100 or 0. */
export function accuracy(items: AnswerItem[]): MetricResult {
  if (items.length === 0) throw new InputError('accuracy: there are no items to score');
  const normalized = new NormalizedAnswers();
  const correct = items.map((item) => {
    if (item.answers.length === 0) throw new InputError(`accuracy: item ${item.id} has no reference answers`);
    const prediction = normalized.of(item.prediction);
    return item.answers.some((answer) => normalized.of(answer) === prediction) ? 1 : 0;
  });
  const scores: MetricResult['scores'] = { accuracy: scaledMean(correct, 100) };
  const byType = meanByType(correct, items.map((item) => item.type), 100);
  if (byType) scores.accuracy_by_type = byType;
  return { n: items.length, scores, perItem: correct.map((c) => 100 * c) };
}
