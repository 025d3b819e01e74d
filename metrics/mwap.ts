// RareAct mWAP (mean weighted average precision), x100, as defined by Miech et al. 2020, "RareAct: A video dataset
// of unusual interactions" (arXiv 2008.01018), and computed by its official script (antoine77340/RareAct,
// `compute_score.py`, default mode). Each annotation row is a clip judged for one verb-noun class (`annotation`:
// 1 positive, 0 negative, 2/3/4 hard negatives: only the verb right, only the noun right, both valid but the verb not
// applied to the noun). For every class that has at least one positive row, the clips ranked by the model's score
// for that class are:
//   positives      its own rows with annotation 1;
//   negatives      its own rows with annotation 0, and every other class's positive row whose verb AND noun differ;
//   hard negatives its own rows with annotation 2, 3 or 4, and every other class's positive row that shares exactly
//                  one of verb or noun with it.
// Every other row (another class's negatives and hard negatives) is ignored for that class. Each row is weighted
// by 1 / (rows of the same YouTube video within its group — positives, negatives or hard negatives — of that class),
// so every video counts once per group. AP is sklearn's weighted `average_precision_score`; mWAP is the mean over
// classes, summed in order of each class's first row, as the script does.
import type { MetricResult } from './types.ts';
import { averagePrecision } from './average-precision.ts';

export interface RareActRow {
  /** The row's `id` in rareact.csv. */
  id: string;
  /** YouTube id of the source video (`video_id`). */
  video: string;
  /** Column of `scores` that holds this row's class (`class_id`). */
  classId: number;
  verb: string;
  noun: string;
  /** 0 negative, 1 positive, 2/3/4 hard negative. */
  annotation: number;
  /** The model's score of this row's clip for every class, indexed by class id. */
  scores: ArrayLike<number>;
}

export function mwap(rows: readonly RareActRow[]): MetricResult {
  return { n: rows.length, scores: { mwap: 100 * meanWeightedAP(rows) } };
}

interface ClassGroups {
  classId: number;
  verb: string;
  noun: string;
  positive: number[];
  negative: number[];
  hardNegative: number[];
}

/** mWAP in [0, 1]; NaN when no class has a positive row. */
export function meanWeightedAP(rows: readonly RareActRow[]): number {
  const classes = new Map<string, ClassGroups>();
  const keyOf = (row: RareActRow) => JSON.stringify([row.verb, row.noun]);
  for (const row of rows) {
    const key = keyOf(row);
    const existing = classes.get(key);
    // The script keeps the class id of the last row of a (verb, noun) pair.
    if (existing) existing.classId = row.classId;
    else classes.set(key, { classId: row.classId, verb: row.verb, noun: row.noun, positive: [], negative: [], hardNegative: [] });
  }
  rows.forEach((row, index) => {
    const own = classes.get(keyOf(row))!;
    if (row.annotation === 0) own.negative.push(index);
    else if (row.annotation === 1) {
      own.positive.push(index);
      for (const other of classes.values()) {
        const sameVerb = other.verb === row.verb;
        const sameNoun = other.noun === row.noun;
        if (sameVerb !== sameNoun) other.hardNegative.push(index);
        else if (!sameVerb && !sameNoun) other.negative.push(index);
      }
    } else own.hardNegative.push(index);
  });

  let sum = 0;
  let count = 0;
  for (const groups of classes.values()) {
    if (groups.positive.length === 0) continue;
    const members = [...groups.positive, ...groups.negative, ...groups.hardNegative];
    const labels = members.map((_, i) => (i < groups.positive.length ? 1 : 0) as 0 | 1);
    const scores = members.map((index) => {
      const score = rows[index]!.scores[groups.classId];
      if (score === undefined || Number.isNaN(score)) {
        throw new RangeError(`mWAP: row ${index} (id ${rows[index]!.id}) has no score for class ${groups.classId}`);
      }
      return score;
    });
    const weights = [
      ...videoWeights(rows, groups.positive),
      ...videoWeights(rows, groups.negative),
      ...videoWeights(rows, groups.hardNegative),
    ];
    sum += averagePrecision(labels, scores, weights);
    count++;
  }
  return count ? sum / count : NaN;
}

/** 1 / (number of rows of the same video in the group), for each row of the group. */
function videoWeights(rows: readonly RareActRow[], group: readonly number[]): number[] {
  const counts = new Map<string, number>();
  for (const index of group) counts.set(rows[index]!.video, (counts.get(rows[index]!.video) ?? 0) + 1);
  return group.map((index) => 1.0 / counts.get(rows[index]!.video)!);
}
