// HatefulMemes files for ROC-AUC: predictions `[{"id": 42, "proba": 0.73}]` (the probability, or any score that
// grows with it, that the meme is hateful); references the dataset's JSONL (`{"id": 42, "img": ..., "label": 0|1,
// "text": ...}` a line, e.g. `test_seen.jsonl`), read by the task's reader (src/readers/hateful-memes.ts). Only memes
// with a prediction are scored.
import type { RocItem } from '../metrics/roc-auc.ts';
import { readJson } from '../readers/json.ts';
import { readMemes } from '../readers/hateful-memes.ts';
import { at, idField, joinById, numberField, record, topArray, type Keyed } from '../readers/fields.ts';

export async function loadHatefulMemes(predictionsFile: string, referencesFile: string): Promise<RocItem[]> {
  const predictions: Keyed<number>[] = topArray(readJson(predictionsFile), predictionsFile, 'meme probabilities').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    return { id: idField(obj, 'id', place), place, value: numberField(obj, 'proba', place) };
  });
  const references = new Map(
    (await readMemes(referencesFile)).map((meme) => [meme.id, { id: meme.id, place: { file: referencesFile, at: `line ${meme.line}` }, value: meme.label }]),
  );
  return joinById(predictions, references, 'id', referencesFile).map(({ id, prediction, reference }) => ({
    id,
    score: prediction,
    label: reference,
  }));
}
