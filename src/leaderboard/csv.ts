// The leaderboard as tidy CSV (csv-stringify), for pandas, R or a spreadsheet: one row per model x task x shots x
// variant (or, with per-seed values, per seed), numbers at full precision. Columns:
//   model, params, task, shots, variant, metric, mean, std, ci_low, ci_high, n, seeds, data, source, split
// `variant`: the run's non-default choices (RICES, openflamingo prompts, okvqa.stem), empty for the defaults; `std`:
// sample std over seeds (empty for one seed); `ci_low`/`ci_high`: the 95% bootstrap interval over the queries; `n`:
// queries per seed; `seeds`: how many; `data`: `official`, `sample` (the built-in sample data) or `subset` (a --limit
// subset of the official query split); `source`: `run` (and the record file) or `paper: <reference>`.
//
// Cells a spreadsheet would execute are neutralised as OWASP recommends for CSV export ("CSV Injection"): a text cell
// (a model or task name from a record, a source) that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets
// a leading `'` and is quoted, so `=HYPERLINK(...)` shows as text. Numbers (mean, std, n, parameters) are written as
// numbers and never prefixed: a mean of -3.5 stays the number -3.5.
import { stringify } from 'csv-stringify/sync';
import { rowName, type Cell, type Leaderboard, type Row } from './board.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet will show it, never run it. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** CSV text of the rows, text cells neutralised (numbers untouched). */
export function safeCsv(rows: readonly (readonly (string | number)[])[]): string {
  const safe = rows.map((cells) => cells.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell)));
  return stringify(safe, { quoted_match: /^'[=+\-@\t\r]/ });
}

export const CSV_COLUMNS = [
  'model', 'params', 'task', 'shots', 'variant', 'metric', 'mean', 'std', 'ci_low', 'ci_high', 'n', 'seeds', 'data', 'source', 'split',
] as const;

/** Per seed: the seed and the primary metric's value in that trial (`--per-seed`). */
export type SeedValues = Map<string, { seed: number; value: number }[]>;

export const PER_SEED_COLUMNS = ['model', 'params', 'task', 'shots', 'variant', 'metric', 'seed', 'value', 'n', 'data', 'source', 'split'] as const;

function variantOf(row: Row): string {
  return rowName('', row).replace(/^ \(|\)$/g, '');
}

/** `sample`, `subset` or `official`, and ` greedy` after it when greedy decoding stood in for the task's beam search. */
function dataOf(cell: Cell): string {
  return (
    (cell.sample ? 'sample' : cell.subset ? 'subset' : 'official') +
    (cell.protocolShortfall ? ' short-of-protocol' : '') +
    (cell.greedy ? ' greedy' : '') +
    (cell.undefined !== undefined ? ' n/a' : '')
  );
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
        cell.undefined !== undefined ? '' : cell.mean,
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
  return safeCsv([[...CSV_COLUMNS], ...records]);
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
  return safeCsv([[...PER_SEED_COLUMNS], ...records]);
}
