// HatefulMemes files for ROC-AUC: predictions `[{"id": 42, "proba": 0.73}]` (the probability, or any score that
// grows with it, that the meme is hateful); references the dataset's JSONL (`{"id": 42, "img": ..., "label": 0|1,
// "text": ...}` a line, e.g. `test_seen.jsonl`). Only memes with a prediction are scored.
import type { RocItem } from '../metrics/roc-auc.ts';
import { readJson, readJsonLines } from '../readers/json-file.ts';
import { at, fail, idField, joinById, numberField, onLine, record, topArray, uniqueById, type Keyed } from '../readers/fields.ts';

export async function loadHatefulMemes(predictionsFile: string, referencesFile: string): Promise<RocItem[]> {
  const predictions: Keyed<number>[] = topArray(readJson(predictionsFile), predictionsFile, 'meme probabilities').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'id', place), place, value: numberField(obj, 'proba', place) };
  });
  const references = uniqueById(
    (await readJsonLines(referencesFile)).map(({ line, value }) => {
      const place = onLine(referencesFile, line);
      const obj = record(value, place);
      const label = numberField(obj, 'label', place);
      if (label !== 0 && label !== 1) fail(place, `field "label" must be 0 or 1, found ${label}`);
      return { id: idField(obj, 'id', place), place, value: label as 0 | 1 };
    }),
    'id',
  );
  return joinById(predictions, references, 'id', referencesFile).map(({ id, prediction, reference }) => ({
    id,
    score: prediction,
    label: reference,
  }));
}
