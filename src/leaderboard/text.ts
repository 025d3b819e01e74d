// The leaderboard as rows of text for the terminal and Markdown: numbers to one decimal (the papers' precision),
// markers, and the footnotes that explain them. CSV does not use this: it keeps numbers at full precision.
import { formatParameters } from '../core/format.ts';
import type { Cell, Leaderboard } from './board.ts';

/** Marks a cell whose metric is undefined on the queries evaluated (the footnote gives the reason). */
export const UNDEFINED_MARK = '¤';
/** Marks a `--protocol flamingo` cell evaluated on fewer queries than the protocol asks. */
export const SHORT_MARK = '◊';
/** Marks a cell measured on the built-in sample data. */
export const SAMPLE_MARK = '†';
/** Marks a cell measured on a `--limit` subset of the query split. */
export const SUBSET_MARK = '‡';
/** Marks a cell decoded greedily in place of the task's beam search (a served model whose server has none). */
export const GREEDY_MARK = '§';

export interface TextBoard {
  head: string[];
  body: string[][];
  footnotes: string[];
}

export interface TextOptions {
  /** Add the source column (set when published rows were asked for). */
  sources: boolean;
  /** Text of a cell with no value. */
  empty: string;
  /** Show each measured cell's 95% bootstrap interval (`--ci`). */
  ci?: boolean;
  /** `tasks`: one row per task x shots and one column per model (`--rows tasks`); default: a row per model. */
  rows?: 'models' | 'tasks';
}

export function formatMean(mean: number): string {
  return mean.toFixed(1);
}

/** One decimal, or two when one would print a non-zero spread as 0.0. */
export function formatStd(std: number): string {
  return std > 0 && std < 0.05 ? std.toFixed(2) : std.toFixed(1);
}

/** `n36×3`: 36 queries per seed, 3 seeds (a measured cell). */
export function sizeMark(cell: Cell): string | undefined {
  return cell.queries === undefined ? undefined : `n${cell.queries}×${cell.trials}`;
}

/**
 * `45.2 ± 1.3`, with `[41.0, 49.5]` (the bootstrap interval, `ci`), the size mark (`n36×3`, when `size`), and the
 * sample / subset marks.
 */
export function formatCell(cell: Cell, options: { ci?: boolean; size?: boolean } = {}): string {
  let text = cell.undefined !== undefined ? `n/a ${UNDEFINED_MARK}` : formatMean(cell.mean);
  if (cell.std !== undefined) text += ` ± ${formatStd(cell.std)}`;
  if (options.ci && cell.ci) text += ` [${formatMean(cell.ci.low)}, ${formatMean(cell.ci.high)}]`;
  const size = options.size ? sizeMark(cell) : undefined;
  if (size) text += ` ${size}`;
  if (cell.sample) text += ` ${SAMPLE_MARK}`;
  if (cell.subset) text += ` ${SUBSET_MARK}`;
  if (cell.protocolShortfall) text += ` ${SHORT_MARK}`;
  if (cell.greedy) text += ` ${GREEDY_MARK}`;
  return text;
}

/** The size mark a column's label carries when every measured cell in it has the same (else each cell carries its own). */
function columnSizes(board: Leaderboard): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const column of board.columns) {
    const marks = new Set(board.rows.flatMap((row) => {
      const cell = row.cells.get(column.key);
      const mark = cell ? sizeMark(cell) : undefined;
      return mark ? [mark] : [];
    }));
    out.set(column.key, marks.size === 1 ? [...marks][0] : undefined);
  }
  return out;
}


export function textBoard(board: Leaderboard, options: TextOptions): TextBoard {
  const sourceIndex = new Map<string, number>();
  const sizes = columnSizes(board);
  const label = (column: Leaderboard['columns'][number]) => {
    const size = sizes.get(column.key);
    return size ? `${column.label} ${size}` : column.label;
  };
  const cellText = (column: Leaderboard['columns'][number], cell: Cell | undefined) =>
    cell ? formatCell(cell, { ci: options.ci === true, size: sizes.get(column.key) === undefined }) : options.empty;
  const sourceOf = (row: Leaderboard['rows'][number]) => {
    const refs: string[] = [];
    for (const column of board.columns) {
      const cell = row.cells.get(column.key);
      if (cell?.source === undefined) continue;
      if (!sourceIndex.has(cell.source)) sourceIndex.set(cell.source, sourceIndex.size + 1);
      const ref = `[${sourceIndex.get(cell.source)}]`;
      if (!refs.includes(ref)) refs.push(ref);
    }
    return row.published ? refs.join('') : 'measured';
  };
  if (options.rows === 'tasks') {
    // Transposed: a row per task x shots, a column per model (named with its size and, with --paper, its source).
    const sources = board.rows.map(sourceOf);
    const head = [
      'task',
      ...board.rows.map((row, i) => `${row.name} (${formatParameters(row.parameters)}${options.sources && row.published ? `, ${sources[i]}` : ''})`),
    ];
    const body = board.columns.map((column) => [label(column), ...board.rows.map((row) => cellText(column, row.cells.get(column.key)))]);
    return { head, body, footnotes: footnotes(board, sourceIndex, options) };
  }
  const head = ['model', 'params', ...(options.sources ? ['source'] : []), ...board.columns.map(label)];
  const body = board.rows.map((row) => {
    const cells = board.columns.map((c) => row.cells.get(c.key));
    const refs: string[] = [];
    for (const cell of cells) {
      if (cell?.source === undefined) continue;
      if (!sourceIndex.has(cell.source)) sourceIndex.set(cell.source, sourceIndex.size + 1);
      const ref = `[${sourceIndex.get(cell.source)}]`;
      if (!refs.includes(ref)) refs.push(ref);
    }
    const source = row.published ? refs.join('') : 'measured';
    return [
      row.name,
      formatParameters(row.parameters),
      ...(options.sources ? [source] : []),
      ...board.columns.map((column, i) => cellText(column, cells[i])),
    ];
  });
  return { head, body, footnotes: footnotes(board, sourceIndex, options) };
}

function footnotes(board: Leaderboard, sourceIndex: Map<string, number>, options: TextOptions): string[] {
  const cells = board.rows.flatMap((row) => [...row.cells.values()]);
  const notes: string[] = [];
  const metrics = new Map<string, string[]>();
  for (const c of board.columns) {
    const list = metrics.get(c.task) ?? [];
    if (!list.includes(c.metric)) list.push(c.metric);
    metrics.set(c.task, list);
  }
  notes.push(`Metric: ${[...metrics].map(([task, m]) => `${task} ${m.join(', ')}`).join('; ')} (the papers' scale).`);
  const short = cells.flatMap((c) => (c.protocolShortfall ? [c.protocolShortfall] : []));
  if (short.length > 0) {
    const examples = [...new Set(short.map((s) => `${s.evaluated} of ${s.asked}`))].slice(0, 3).join(', ');
    notes.push(
      `${SHORT_MARK} --protocol flamingo on a copy of the dataset holding fewer queries than the protocol asks ` +
        `(${examples}): not a full-protocol score.`,
    );
  }
  const undefinedCells = [...new Set(cells.flatMap((c) => (c.undefined !== undefined ? [c.undefined] : [])))];
  if (undefinedCells.length > 0) {
    notes.push(
      `${UNDEFINED_MARK} n/a: the metric is undefined on the queries evaluated (${undefinedCells.join('; ')}); ` +
        'more queries (a larger --limit, or the whole split) give a value.',
    );
  }
  if (cells.some((c) => c.sample)) {
    notes.push(
      `${SAMPLE_MARK} Built-in sample data (synthetic, a few dozen items): it shows the pipeline runs, ` +
        'it is not a benchmark score and does not compare with published numbers.',
    );
  }
  if (cells.some((c) => c.subset)) {
    notes.push(
      `${SUBSET_MARK} A --limit subset of the query split, not the whole evaluation set the papers use ` +
        '(--protocol flamingo runs their query-set sizes).',
    );
  }
  if (cells.some((c) => c.queries !== undefined)) {
    notes.push('nQ×S (after a column name, or a value): Q queries evaluated per seed, S seeds; a value is the mean over the seeds.');
  }
  if (cells.some((c) => c.greedy)) {
    notes.push(
      `${GREEDY_MARK} Greedy decoding in place of the task's beam search: the model's server has none, and the run ` +
        "allowed the substitute (the openai backend's allow-greedy); not the papers' decoding.",
    );
  }
  if (cells.some((c) => c.std !== undefined)) {
    notes.push('± Standard deviation over seeds (measured: sample std of the trials; published: as printed).');
  }
  if (options.ci && cells.some((c) => c.ci !== undefined)) {
    notes.push(
      '[low, high] 95% confidence interval: bootstrap over the queries (each resample rescored as the official scorer ' +
        'would, seeds averaged within it); it covers query sampling, which ± std over seeds does not.',
    );
  }
  if (sourceIndex.size > 0) {
    const selections = new Set(board.rows.filter((r) => r.published).map((r) => r.demonstrations));
    const names = [...selections].map((s) => (s === 'rices' ? 'RICES' : s)).join(' and ');
    notes.push(`Published rows: primary values as printed, ${names} demonstrations. Sources:`);
    for (const [source, i] of sourceIndex) notes.push(`[${i}] ${source}`);
  }
  return notes;
}

export { formatParameters };
