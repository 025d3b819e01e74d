// VQA-style accuracy for a task whose examples carry the human answers as `reference` and the answer type as `type`;
// per-type values come out as `vqa_accuracy_by_type.<type>`. The scorer is the benchmark's (metrics/): vqaEval.py by
// default, or another with the same item shape (VizWiz's).
import type { AnswerItem, MetricResult } from '../metrics/types.ts';
import { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
import type { ScoredItem, TaskScore } from '../src/types.ts';
import { toTaskScore } from './task-score.ts';

export function scoreVqaAnswers(
  items: ScoredItem[],
  scorer: (answers: AnswerItem[]) => MetricResult = (answers) => vqaAccuracy(answers),
): TaskScore {
  const result = scorer(
    items.map((item) => ({
      id: item.example.id,
      prediction: item.answer,
      answers: item.example.reference as string[],
      ...(item.example.type !== undefined ? { type: item.example.type } : {}),
    })),
  );
  return toTaskScore(result, 'vqa_accuracy');
}
