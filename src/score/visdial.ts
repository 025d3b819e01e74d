// VisDial files for NDCG.
// References: the dense annotations as published (`visdial_1.0_val_dense_annotations.json`): a JSON array of
//   `{"image_id": 185565, "round_id": 6, "gt_relevance": [100 numbers]}`, one annotated round per image
//   (`relevance` is accepted for `gt_relevance`, as the train-split file names it).
// Predictions: the VisDial submission format, `[{"image_id": 185565, "round_id": 6, "ranks": [100 ranks]}]`, where
//   ranks[i] is the rank (1 = best) of answer option i, or the same with `"scores": [100 numbers]` (higher = better)
//   instead of `ranks`. A submission lists all ten rounds of each image; as in the official evaluation, only rounds
//   that have dense annotations are scored, and the others are counted in a note. A prediction for an image with no
//   dense annotation at all is an error.
import type { NdcgItem } from '../metrics/ndcg.ts';
import { readJson } from '../readers/json.ts';
import { at, fail, idField, joinById, numberArrayField, record, topArray, uniqueById, type Keyed, type Place } from '../readers/fields.ts';

export interface LoadedVisdial {
  items: NdcgItem[];
  notes: string[];
}

export function loadVisdial(predictionsFile: string, referencesFile: string): LoadedVisdial {
  const annotatedImages = new Set<string>();
  const references = uniqueById(
    topArray(readJson(referencesFile), referencesFile, 'dense annotations').map((value, index) => {
      const place = at(referencesFile, index);
      const obj = record(value, place);
      const name = obj.gt_relevance === undefined && obj.relevance !== undefined ? 'relevance' : 'gt_relevance';
      const relevance = numberArrayField(obj, name, place);
      relevance.forEach((r, i) => r < 0 && fail(place, `field "${name}"[${i}] must not be negative, found ${r}`));
      if (!relevance.some((r) => r !== 0)) fail(place, `field "${name}" has no non-zero relevance, so NDCG is undefined for this round`);
      annotatedImages.add(idField(obj, 'image_id', place));
      return { id: roundId(obj, place), place, value: relevance };
    }),
    '(image_id, round_id)',
  );

  const predictions: Keyed<number[]>[] = [];
  let unannotated = 0;
  topArray(readJson(predictionsFile), predictionsFile, 'ranked answer options').forEach((value, index) => {
    const place = at(predictionsFile, index);
    const obj = record(value, place);
    const id = roundId(obj, place);
    if (obj.ranks === undefined && obj.scores === undefined) fail(place, 'missing field "ranks" (or "scores")');
    const scores = obj.ranks !== undefined ? ranksAsScores(obj, place) : numberArrayField(obj, 'scores', place);
    if (!references.has(id)) {
      const image = idField(obj, 'image_id', place);
      if (!annotatedImages.has(image)) fail(place, `image_id ${image} has no dense annotation in ${referencesFile}`);
      unannotated++;
      return;
    }
    predictions.push({ id, place, value: scores });
  });
  const items = joinById(predictions, references, '(image_id, round_id)', referencesFile).map(({ id, prediction, reference, place }) => {
    if (prediction.length !== reference.length) {
      fail(place, `has ${prediction.length} ranks/scores but the dense annotation has ${reference.length} relevance values`);
    }
    return { id, scores: prediction, relevance: reference };
  });
  if (items.length === 0) fail({ file: predictionsFile, at: 'top level' }, `no prediction is for a round with dense annotations in ${referencesFile}`);
  const notes =
    unannotated > 0
      ? [`ndcg: ${unannotated} predicted round${unannotated === 1 ? ' has' : 's have'} no dense annotation and ${unannotated === 1 ? 'is' : 'are'} not scored (as in the official evaluation)`]
      : [];
  return { items, notes };
}

function roundId(obj: Record<string, unknown>, place: Place): string {
  return `${idField(obj, 'image_id', place)}_${idField(obj, 'round_id', place)}`;
}

/** Ranks 1..n (1 = best) as scores that sort the same way, after checking they are a permutation. */
function ranksAsScores(obj: Record<string, unknown>, place: Place): number[] {
  const ranks = numberArrayField(obj, 'ranks', place);
  const seen = new Uint8Array(ranks.length + 1);
  ranks.forEach((rank, i) => {
    if (!Number.isInteger(rank) || rank < 1 || rank > ranks.length) fail(place, `field "ranks"[${i}] must be an integer from 1 to ${ranks.length}, found ${rank}`);
    if (seen[rank]) fail(place, `field "ranks"[${i}] repeats rank ${rank}`);
    seen[rank] = 1;
  });
  return ranks.map((rank) => -rank);
}
