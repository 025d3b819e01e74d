// VQA files: predictions in the VQA results format `[{"question_id": 1, "answer": "..."}]`, references in the
// official annotations format `{"annotations": [{"question_id": 1, "answer_type": "other", "answers":
// [{"answer": "...", "answer_id": 1}, ...]}]}` (VQAv2, OK-VQA). `answer_type` is optional; when present, scores
// are also given per answer type. Only questions with a prediction are scored.
import type { AnswerItem } from '../metrics/types.ts';
import { InputError } from '../core/errors.ts';
import { readJson } from '../readers/json-file.ts';
import { at, fail, field, idField, joinById, record, stringField, topArray, type Keyed } from '../readers/fields.ts';

interface VqaReference {
  answers: string[];
  type?: string;
}

export function loadVqa(predictionsFile: string, referencesFile: string): AnswerItem[] {
  const predictions: Keyed<string>[] = topArray(readJson(predictionsFile), predictionsFile, 'VQA results').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'question_id', place), place, value: stringField(obj, 'answer', place) };
  });

  const root = readJson(referencesFile);
  const refPlace = { file: referencesFile, at: 'top level' };
  const annotations = field(record(root, refPlace), 'annotations', refPlace);
  if (!Array.isArray(annotations)) {
    throw new InputError(`${referencesFile}: field "annotations" must be an array of question annotations`, referencesFile);
  }
  const references = new Map<string, Keyed<VqaReference>>();
  annotations.forEach((value, index) => {
    const place = { file: referencesFile, at: `annotations[${index}]` };
    const obj = record(value, place);
    const id = idField(obj, 'question_id', place);
    const list = field(obj, 'answers', place);
    if (!Array.isArray(list) || list.length === 0) fail(place, 'field "answers" must be a non-empty array of {"answer": ...}');
    const answers = (list as unknown[]).map((answer, k) => {
      const answerPlace = { file: referencesFile, at: `annotations[${index}].answers[${k}]` };
      return stringField(record(answer, answerPlace), 'answer', answerPlace);
    });
    const type = obj.answer_type === undefined ? undefined : stringField(obj, 'answer_type', place);
    const first = references.get(id);
    if (first) fail(place, `duplicate question_id ${id} (already at ${first.place.at})`);
    references.set(id, { id, place, value: { answers, type } });
  });

  return joinById(predictions, references, 'question_id', referencesFile).map(({ id, prediction, reference }) => ({
    id,
    prediction,
    answers: reference.answers,
    ...(reference.type === undefined ? {} : { type: reference.type }),
  }));
}
