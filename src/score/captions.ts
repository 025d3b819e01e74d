// Caption files: predictions in the COCO results format `[{"image_id": 42, "caption": "..."}]`, references in the
// COCO captions annotation format `{"annotations": [{"image_id": 42, "id": 1, "caption": "..."}], ...}` (other
// top-level keys ignored). Only images with a prediction are scored, as coco-caption does when its image ids are
// taken from the results; image_id may be a number or a string.
import type { CaptionItem } from '../metrics/types.ts';
import { InputError } from '../core/errors.ts';
import { readJson } from '../readers/json.ts';
import { at, field, idField, joinById, record, stringField, topArray, type Keyed } from '../readers/fields.ts';

export function loadCaptions(predictionsFile: string, referencesFile: string): CaptionItem[] {
  const predictions: Keyed<string>[] = topArray(readJson(predictionsFile), predictionsFile, 'caption results').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'image_id', place), place, value: stringField(obj, 'caption', place) };
  });

  const root = readJson(referencesFile);
  const refPlace = { file: referencesFile, at: 'top level' };
  const annotations = field(record(root, refPlace), 'annotations', refPlace);
  if (!Array.isArray(annotations)) {
    throw new InputError(`${referencesFile}: field "annotations" must be an array of caption annotations`, referencesFile);
  }
  const references = new Map<string, Keyed<string[]>>();
  annotations.forEach((value, index) => {
    const place = { file: referencesFile, at: `annotations[${index}]` };
    const obj = record(value, place);
    const id = idField(obj, 'image_id', place);
    const caption = stringField(obj, 'caption', place);
    const entry = references.get(id);
    if (entry) entry.value.push(caption);
    else references.set(id, { id, place, value: [caption] });
  });

  return joinById(predictions, references, 'image_id', referencesFile).map(({ id, prediction, reference }) => ({
    id,
    prediction,
    references: reference,
  }));
}
