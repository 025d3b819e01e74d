// The leaderboard as tidy CSV (csv-stringify), for pandas, R or a spreadsheet: one row per model x task x shots x
// variant (or, with per-seed values, per seed), numbers at full precision. Columns:
//   model, params, task, shots, variant, metric, mean, std, ci_low, ci_high, n, seeds, data, source, split
// `variant`: the run's non-default choices (RICES, openflamingo prompts, okvqa.stem), empty for the defaults; `std`:
// sample std over seeds (empty for one seed); `ci_low`/`ci_high`: the 95% bootstrap interval over the queries; `n`:
// queries per seed; `seeds`: how many; `data`: `official`, `sample` (the built-in sample data) or `subset` (a --limit
// subset of the official query split); `source`: `run` (and the record file) or `paper: <reference>`.
import { stringify } from 'csv-stringify/sync';
import { rowName, type Cell, type Leaderboard, type Row } from './board.ts';

export const CSV_COLUMNS = [
  'model', 'params', 'task', 'shots', 'variant', 'metric', 'mean', 'std', 'ci_low', 'ci_high', 'n', 'seeds', 'data', 'source', 'split',
] as const;

/** Per seed: the seed and the primary metric's value in that trial (`--per-seed`). */
export type SeedValues = Map<string, { seed: number; value: number }[]>;

export const PER_SEED_COLUMNS = ['model', 'params', 'task', 'shots', 'variant', 'metric', 'seed', 'value', 'n', 'data', 'source', 'split'] as const;

function variantOf(row: Row): string {
  return rowName('', row).replace(/^ \(|\)$/g, '');
}

function dataOf(cell: Cell): string {
  return cell.sample ? 'sample' : cell.subset ? 'subset' : 'official';
}

function sourceOf(cell: Cell): string {
  return cell.source !== undefined ? `paper: ${cell.source}` : cell.file !== undefined ? `run: ${cell.file}` : 'run';
}

/** One row per model x task x shots x variant. */
export function renderCsv(board: Leaderboard): string {
  const records: (string | number)[][] = [];
  for (const column of board.columns) {
    for (const row of board.rows) {
      const cell = row.cells.get(column.key);
      if (!cell) continue;
      records.push([
        row.model,
        row.parameters,
        column.task,
        column.shots,
        variantOf(row),
        column.metric,
        cell.mean,
        cell.std ?? '',
        cell.ci?.low ?? '',
        cell.ci?.high ?? '',
        cell.queries ?? '',
        cell.trials,
        dataOf(cell),
        sourceOf(cell),
        column.split ?? '',
      ]);
    }
  }
  return stringify([[...CSV_COLUMNS], ...records]);
}

/** Long form: one row per model x task x shots x variant x seed (measured cells; published ones have no seeds). */
export function renderPerSeedCsv(board: Leaderboard, values: SeedValues): string {
  const records: (string | number)[][] = [];
  for (const column of board.columns) {
    for (const row of board.rows) {
      const cell = row.cells.get(column.key);
      if (!cell?.file) continue;
      for (const { seed, value } of values.get(cell.file) ?? []) {
        records.push([
          row.model, row.parameters, column.task, column.shots, variantOf(row), column.metric, seed, value, cell.queries ?? '',
          dataOf(cell), sourceOf(cell), column.split ?? '',
        ]);
      }
    }
  }
  return stringify([[...PER_SEED_COLUMNS], ...records]);
}
