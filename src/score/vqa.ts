// VQA files: predictions in the VQA results format `[{"question_id": 1, "answer": "..."}]`, references in the
// official annotations format `{"annotations": [{"question_id": 1, "answer_type": "other", "answers":
// [{"answer": "...", "answer_id": 1}, ...]}]}` (VQAv2, OK-VQA), read by the tasks' reader (src/readers/vqa.ts).
// `answer_type` is optional; when present, scores are also given per answer type. Only questions with a prediction
// are scored.
import type { AnswerItem } from '../metrics/types.ts';
import { readJson } from '../readers/json.ts';
import { readVqaAnnotations } from '../readers/vqa.ts';
import { at, fail, idField, record, stringField, topArray, uniqueById, type Keyed } from '../readers/fields.ts';

export async function loadVqa(predictionsFile: string, referencesFile: string): Promise<AnswerItem[]> {
  const predictions: Keyed<string>[] = topArray(readJson(predictionsFile), predictionsFile, 'VQA results').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'question_id', place), place, value: stringField(obj, 'answer', place) };
  });
  uniqueById(predictions, 'question_id');
  const annotations = await readVqaAnnotations(referencesFile);
  return predictions.map(({ id, place, value }) => {
    const reference = annotations.get(id);
    if (!reference) fail(place, `question_id ${id} is not in the references (${referencesFile})`);
    const item: AnswerItem = { id, prediction: value, answers: reference.answers };
    if (reference.answerType !== undefined) item.type = reference.answerType;
    return item;
  });
}
