// iVQA accuracy (Yang et al., "Just Ask: Learning to Answer Questions from Millions of Narrated Videos", ICCV 2021,
// Sec. 5.1; their code antoyang/just-ask, train/train_videoqa.py): each question has 5 human answers, and a
// prediction scores min(1, #annotators who gave it / 2). There is no leave-one-out average (unlike VQA). Scale:
// percent, overall, per type and per item.
//
// just-ask classifies over a fixed answer vocabulary, so its matching is exact identity of vocabulary entries. A
// generative model's free text has to be compared as text: we compare after normalizeVqaAnswer (vqa-normalize.ts),
// applied always and to both sides, so "Two." matches "2" as it would in VQA.
import { InputError } from '../core/errors.ts';
import type { AnswerItem, MetricResult } from './types.ts';
import { meanByType, scaledMean } from './by-type.ts';
import { NormalizedAnswers } from './text/normalized-answers.ts';

/** Annotators who must agree with a prediction for full credit. */
const IVQA_FULL_CREDIT = 2;

/** Keys: `ivqa_accuracy` (percent) and, when items have types, `ivqa_accuracy_by_type`; perItem in percent. */
export function ivqaAccuracy(items: AnswerItem[]): MetricResult {
  if (items.length === 0) throw new InputError('iVQA accuracy: there are no items to score');
  const normalized = new NormalizedAnswers();
  const perQuestion = items.map((item) => {
    if (item.answers.length === 0) throw new InputError(`iVQA accuracy: item ${item.id} has no reference answers`);
    const prediction = normalized.of(item.prediction);
    let matches = 0;
    for (const answer of item.answers) if (normalized.of(answer) === prediction) matches++;
    return Math.min(1, matches / IVQA_FULL_CREDIT);
  });
  const scores: MetricResult['scores'] = { ivqa_accuracy: scaledMean(perQuestion, 100) };
  const byType = meanByType(perQuestion, items.map((item) => item.type), 100);
  if (byType) scores.ivqa_accuracy_by_type = byType;
  return { n: items.length, scores, perItem: perQuestion.map((acc) => 100 * acc) };
}
