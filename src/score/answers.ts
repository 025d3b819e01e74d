// Answer files for `accuracy`, `ivqa` and `wups`: predictions `[{"id": "v1_q0", "answer": "..."}]`, references
// `[{"id": "v1_q0", "answers": ["...", ...], "type": "CW"}]` (`type` optional; when present, scores are also given
// per type). Only ids with a prediction are scored.
import type { AnswerItem } from '../metrics/types.ts';
import { readJson } from '../readers/json.ts';
import { at, idField, joinById, record, stringArrayField, stringField, topArray, uniqueById, type Keyed } from '../readers/fields.ts';

export function loadAnswers(predictionsFile: string, referencesFile: string): AnswerItem[] {
  const predictions: Keyed<string>[] = topArray(readJson(predictionsFile), predictionsFile, 'answers').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'id', place), place, value: stringField(obj, 'answer', place) };
  });
  const references = uniqueById(
    topArray(readJson(referencesFile), referencesFile, 'reference answers').map((value, index) => {
      const place = at(referencesFile, index);
      const obj = record(value, place);
      const answers = stringArrayField(obj, 'answers', place);
      const type = obj.type === undefined ? undefined : stringField(obj, 'type', place);
      return { id: idField(obj, 'id', place), place, value: { answers, type } };
    }),
    'id',
  );
  return joinById(predictions, references, 'id', referencesFile).map(({ id, prediction, reference }) => ({
    id,
    prediction,
    answers: reference.answers,
    ...(reference.type === undefined ? {} : { type: reference.type }),
  }));
}
