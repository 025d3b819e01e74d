// VQA accuracy (metrics/vqa-accuracy.ts, the official vqaEval.py) for a task whose examples carry the human answers
// as `reference` and the answer type as `type`; per-type values come out as `vqa_accuracy_by_type.<type>`.
import { vqaAccuracy } from '../metrics/vqa-accuracy.ts';
import type { ScoredItem, TaskScore } from '../src/types.ts';
import { toTaskScore } from './task-score.ts';

export function scoreVqaAnswers(items: ScoredItem[]): TaskScore {
  const result = vqaAccuracy(
    items.map((item) => ({
      id: item.example.id,
      prediction: item.answer,
      answers: item.example.reference as string[],
      ...(item.example.type !== undefined ? { type: item.example.type } : {}),
    })),
  );
  return toTaskScore(result, 'vqa_accuracy');
}
