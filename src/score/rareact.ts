// RareAct files for mWAP.
// References: the official annotation file `rareact.csv` (columns id, video_id, start, end, class_id, verb, noun,
//   annotation; one row per clip judged for one verb-noun class).
// Predictions, either
//   - the official script's input: a `.npy` float matrix with one row per CSV row, in CSV order, and one column per
//     class_id, holding the model's score of that row's clip for that class (all rows are then scored); or
//   - JSON `[{"id": 14, "scores": [s_0, s_1, ...]}]`: for the CSV row with that `id`, its clip's score for every
//     class_id. Only rows with a prediction are scored.
import type { RareActRow } from '../metrics/mwap.ts';
import { InputError } from '../core/errors.ts';
import { readCsv } from '../readers/csv.ts';
import { readJson } from '../readers/json.ts';
import { at, fail, idField, joinById, numberArrayField, onLine, record, topArray, uniqueById, type Keyed } from '../readers/fields.ts';
import { readNpyMatrix } from '../readers/npy.ts';

const COLUMNS = ['id', 'video_id', 'class_id', 'verb', 'noun', 'annotation'] as const;

type Annotation = Omit<RareActRow, 'scores'>;

export function loadRareAct(predictionsFile: string, referencesFile: string): RareActRow[] {
  const rows = readCsv(referencesFile, COLUMNS);
  const annotations: Keyed<Annotation>[] = rows.map(({ line, values }) => {
    const place = onLine(referencesFile, line);
    const integer = (name: string, max: number) => {
      const text = values[name]!;
      const value = Number(text);
      if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > max) {
        fail(place, `column "${name}" must be an integer from 0 to ${max}, found ${JSON.stringify(text)}`);
      }
      return value;
    };
    const text = (name: string) => values[name] || fail(place, `column "${name}" is empty`);
    return {
      id: text('id'),
      place,
      value: {
        id: text('id'),
        video: text('video_id'),
        classId: integer('class_id', Number.MAX_SAFE_INTEGER),
        verb: text('verb'),
        noun: text('noun'),
        annotation: integer('annotation', 4),
      },
    };
  });
  const classes = Math.max(...annotations.map((a) => a.value.classId)) + 1;

  if (predictionsFile.toLowerCase().endsWith('.npy')) {
    const matrix = readNpyMatrix(predictionsFile);
    if (matrix.rows !== annotations.length) {
      throw new InputError(`${predictionsFile}: the matrix has ${matrix.rows} rows but ${referencesFile} has ${annotations.length} annotation rows (one row per annotation row, in order)`, predictionsFile);
    }
    if (matrix.columns < classes) {
      throw new InputError(`${predictionsFile}: the matrix has ${matrix.columns} columns but ${referencesFile} has class ids up to ${classes - 1}`, predictionsFile);
    }
    return annotations.map((a, r) => {
      const scores = matrix.row(r);
      const nan = scores.findIndex((s) => Number.isNaN(s));
      if (nan >= 0) throw new InputError(`${predictionsFile}: row ${r}, column ${nan}: NaN score`, predictionsFile);
      return { ...a.value, scores };
    });
  }

  const references = uniqueById(annotations, 'id');
  const predictions: Keyed<number[]>[] = topArray(readJson(predictionsFile), predictionsFile, 'per-class scores').map((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    const scores = numberArrayField(obj, 'scores', place);
    if (scores.length < classes) fail(place, `field "scores" has ${scores.length} values but ${referencesFile} has class ids up to ${classes - 1}`);
    return { id: idField(obj, 'id', place), place, value: scores };
  });
  return joinById(predictions, references, 'id', referencesFile).map(({ prediction, reference }) => ({ ...reference, scores: prediction }));
}
