// A scorer's MetricResult as a task's TaskScore: numeric values as they are, `*_by_type` objects flattened to
// `<key>.<type>` so every value is a number (the record and `--json` keep them all).
import type { MetricResult } from '../metrics/types.ts';
import type { TaskScore } from '../src/types.ts';

export function toTaskScore(result: MetricResult, primary: string): TaskScore {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(result.scores)) {
    if (typeof value === 'number') metrics[key] = value;
    else for (const [type, v] of Object.entries(value)) metrics[`${key}.${type}`] = v;
  }
  const score: TaskScore = { metrics, primary };
  if (result.perItem) score.perItem = result.perItem;
  return score;
}
