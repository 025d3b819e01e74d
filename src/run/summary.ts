// What a finished run prints: a table for people (stdout, or stderr under --json) and a JSON summary for scripts.
import { relative } from 'node:path';
import { renderTable } from '../table.ts';
import type { RecordOutcome } from './evaluate.ts';

export const SAMPLE_WARNING = 'built-in sample data — not a benchmark score';

export interface SummaryRow {
  task: string;
  shots: number;
  metric: string;
  mean: number;
  std: number;
  n: number;
  seeds: number[];
  model: string;
  sample: boolean;
  record: string;
}

export function summaryRows(outcomes: RecordOutcome[]): SummaryRow[] {
  return outcomes.map(({ path, record }) => {
    const primary = record.summary.primary;
    const value = record.summary.metrics[primary] ?? { mean: Number.NaN, std: Number.NaN };
    return {
      task: record.task.id,
      shots: record.shots,
      metric: primary,
      mean: value.mean,
      std: value.std,
      n: record.summary.n,
      seeds: record.trials.map((trial) => trial.seed),
      model: record.model.name,
      sample: record.data.sample,
      record: path,
    };
  });
}

export function renderSummary(outcomes: RecordOutcome[], colour: boolean): string {
  const rows = summaryRows(outcomes);
  const models = [...new Set(outcomes.map(({ record }) => `${record.model.name} (--model ${record.model.spec})`))];
  const table = renderTable(
    ['task', 'shots', 'metric', 'mean', '± std', 'n', 'seeds', 'data'],
    rows.map((row) => [
      row.task,
      row.shots,
      row.metric,
      row.mean.toFixed(2),
      row.seeds.length > 1 ? row.std.toFixed(2) : '',
      row.n,
      row.seeds.join(','),
      row.sample ? 'SAMPLE' : 'official',
    ]),
    colour,
  );
  const lines = [`model: ${models.join(', ')}`, table];
  const shown = rows.map((row) => {
    const rel = relative(process.cwd(), row.record);
    return rel.startsWith('..') ? row.record : rel;
  });
  lines.push(`records: ${shown.join(', ')}`);
  if (rows.some((row) => row.sample)) {
    lines.push(`WARNING: rows marked SAMPLE ran on ${SAMPLE_WARNING}; pass --data <dir> with the official files.`);
  }
  return `${lines.join('\n')}\n`;
}

export function jsonSummary(outcomes: RecordOutcome[]): string {
  return `${JSON.stringify(summaryRows(outcomes), null, 2)}\n`;
}
