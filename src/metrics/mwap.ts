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
// classes, summed in order of each class's first row, as the script does. Checked bit for bit against the script
// (scikit-learn 1.2.1, NumPy 1.24.2) on the published rareact.csv (7,607 rows, 149 classes) with random float32
// scores and with heavily tied float64 scores, and on the generated files in test/fixtures/score/rareact/.
import { UndefinedMetricError } from '../core/errors.ts';
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

/** Key `mwap` (x100). An error when no class has a positive row among `rows` (the mean would be over no class). */
export function mwap(rows: readonly RareActRow[]): MetricResult {
  const value = meanWeightedAP(rows);
  if (Number.isNaN(value)) throw new UndefinedMetricError(`mWAP is undefined: none of the ${rows.length} rows is a positive (annotation 1) of its class`);
  return { n: rows.length, scores: { mwap: 100 * value } };
}

interface ClassGroups {
  classId: number;
  verb: string;
  noun: string;
  positive: number[];
  negative: number[];
  hardNegative: number[];
}

/** Each (verb, noun) class with its positives, negatives and hard negatives (row indices, in row order). */
function classGroups(rows: readonly RareActRow[]): ClassGroups[] {
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
  return [...classes.values()];
}

function scoreOf(rows: readonly RareActRow[], index: number, classId: number): number {
  const score = rows[index]!.scores[classId];
  if (score === undefined || Number.isNaN(score)) {
    throw new RangeError(`mWAP: row ${index} (id ${rows[index]!.id}) has no score for class ${classId}`);
  }
  return score;
}

/** mWAP in [0, 1]; NaN when no class has a positive row. */
export function meanWeightedAP(rows: readonly RareActRow[]): number {
  let sum = 0;
  let count = 0;
  for (const groups of classGroups(rows)) {
    if (groups.positive.length === 0) continue;
    const members = [...groups.positive, ...groups.negative, ...groups.hardNegative];
    const labels = members.map((_, i) => (i < groups.positive.length ? 1 : 0) as 0 | 1);
    const scores = members.map((index) => scoreOf(rows, index, groups.classId));
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

/**
 * mWAP x100 of bootstrap resamples of `rows` (indices into rows, repeats counted as repeated rows), without sorting
 * again per resample: each class's rows are ranked once, and a resample only changes how many times each row counts
 * and so the per-video weights. Equal to `100 * meanWeightedAP(resampled rows)` up to float rounding (the sums run
 * in another order), and far faster: for bootstrap intervals.
 */
export function mwapResampler(rows: readonly RareActRow[]): (indices: ArrayLike<number>) => number {
  const videoIds = new Map<string, number>();
  const video = Int32Array.from(rows, (row) => {
    if (!videoIds.has(row.video)) videoIds.set(row.video, videoIds.size);
    return videoIds.get(row.video)!;
  });
  const plans = classGroups(rows)
    .filter((groups) => groups.positive.length > 0)
    .map((groups) => {
      const members = [
        ...groups.positive.map((row) => ({ row, group: 0 })),
        ...groups.negative.map((row) => ({ row, group: 1 })),
        ...groups.hardNegative.map((row) => ({ row, group: 2 })),
      ].map((m) => ({ ...m, score: scoreOf(rows, m.row, groups.classId) }));
      members.sort((a, b) => b.score - a.score);
      return {
        row: Int32Array.from(members, (m) => m.row),
        group: Uint8Array.from(members, (m) => m.group),
        // 1 where the next member has another score: the end of a threshold.
        last: Uint8Array.from(members, (m, i) => (i === members.length - 1 || members[i + 1]!.score !== m.score ? 1 : 0)),
      };
    });
  const times = new Uint32Array(rows.length);
  const perVideo = new Float64Array(3 * videoIds.size);
  return (indices) => {
    times.fill(0);
    for (let i = 0; i < indices.length; i++) times[indices[i]!]!++;
    let sum = 0;
    let classes = 0;
    for (const { row, group, last } of plans) {
      let positives = 0;
      for (let k = 0; k < row.length; k++) {
        const t = times[row[k]!]!;
        if (t) {
          perVideo[3 * video[row[k]!]! + group[k]!] += t;
          if (group[k] === 0) positives++;
        }
      }
      if (positives > 0) {
        // Each video's rows in a group weigh 1 in total, so the positives weigh as many videos as they have.
        let total = 0;
        for (let k = 0; k < row.length; k++) {
          if (group[k] === 0 && times[row[k]!]) total += times[row[k]!]! / perVideo[3 * video[row[k]!]!]!;
        }
        let tp = 0;
        let fp = 0;
        let tpAtLastThreshold = 0;
        let ap = 0;
        for (let k = 0; k < row.length; k++) {
          const t = times[row[k]!]!;
          if (t) {
            const weight = t / perVideo[3 * video[row[k]!]! + group[k]!]!;
            if (group[k] === 0) tp += weight;
            else fp += weight;
          }
          if (last[k] && tp !== tpAtLastThreshold) {
            ap += ((tp - tpAtLastThreshold) / total) * (tp / (tp + fp));
            tpAtLastThreshold = tp;
          }
        }
        sum += ap;
        classes++;
      }
      for (let k = 0; k < row.length; k++) perVideo[3 * video[row[k]!]! + group[k]!] = 0;
    }
    return classes ? (100 * sum) / classes : NaN;
  };
}

/** 1 / (number of rows of the same video in the group), for each row of the group. */
function videoWeights(rows: readonly RareActRow[], group: readonly number[]): number[] {
  const counts = new Map<string, number>();
  for (const index of group) counts.set(rows[index]!.video, (counts.get(rows[index]!.video) ?? 0) + 1);
  return group.map((index) => 1.0 / counts.get(rows[index]!.video)!);
}
