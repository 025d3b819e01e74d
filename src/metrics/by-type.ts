// Per-type means for the answer scorers (VQA answer types, NExT-QA question types, ...). Shared by the scorers of
// metrics/vqa-accuracy.ts, ivqa-accuracy.ts and accuracy.ts so that every `*_by_type` object is built the same way.

/**
 * Mean of `values` (already on the output scale) grouped by `types[i]`, keys in order of first appearance. Items
 * without a type are left out of the grouping (they still count in the overall score). Undefined when no item has a
 * type, so that callers print no `*_by_type` key for untyped data.
 *
 * Values are summed left to right in input order, then divided, as the official VQA script does per answer type;
 * `scale` multiplies the sum before the division (the script computes `100 * sum / len`).
 */
export function meanByType(
  values: readonly number[],
  types: readonly (string | undefined)[],
  scale = 1,
): Record<string, number> | undefined {
  const sums = new Map<string, { sum: number; count: number }>();
  for (let i = 0; i < values.length; i++) {
    const type = types[i];
    if (type === undefined) continue;
    let group = sums.get(type);
    if (!group) sums.set(type, (group = { sum: 0, count: 0 }));
    group.sum += values[i]!;
    group.count++;
  }
  if (sums.size === 0) return undefined;
  const out: Record<string, number> = {};
  for (const [type, { sum, count }] of sums) out[type] = (scale * sum) / count;
  return out;
}

/** Plain left-to-right sum times `scale`, divided by the count (as Python's `100*float(sum(xs))/len(xs)`). */
export function scaledMean(values: readonly number[], scale = 1): number {
  let sum = 0;
  for (const v of values) sum += v;
  return (scale * sum) / values.length;
}
