// The leaderboard as rows of text for the terminal and Markdown: numbers to one decimal (the papers' precision),
// markers, and the footnotes that explain them. CSV does not use this: it keeps numbers at full precision.
import { formatParameters } from '../core/format.ts';
import type { Cell, Leaderboard } from './board.ts';

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
}

export function formatMean(mean: number): string {
  return mean.toFixed(1);
}

/** One decimal, or two when one would print a non-zero spread as 0.0. */
export function formatStd(std: number): string {
  return std > 0 && std < 0.05 ? std.toFixed(2) : std.toFixed(1);
}

export function formatCell(cell: Cell): string {
  let text = formatMean(cell.mean);
  if (cell.std !== undefined) text += ` ± ${formatStd(cell.std)}`;
  if (cell.sample) text += ` ${SAMPLE_MARK}`;
  if (cell.subset) text += ` ${SUBSET_MARK}`;
  if (cell.greedy) text += ` ${GREEDY_MARK}`;
  return text;
}


export function textBoard(board: Leaderboard, options: TextOptions): TextBoard {
  const sourceIndex = new Map<string, number>();
  const head = ['model', 'params', ...(options.sources ? ['source'] : []), ...board.columns.map((c) => c.label)];
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
      ...cells.map((cell) => (cell ? formatCell(cell) : options.empty)),
    ];
  });
  return { head, body, footnotes: footnotes(board, sourceIndex) };
}

function footnotes(board: Leaderboard, sourceIndex: Map<string, number>): string[] {
  const cells = board.rows.flatMap((row) => [...row.cells.values()]);
  const notes: string[] = [];
  const metrics = new Map<string, string[]>();
  for (const c of board.columns) {
    const list = metrics.get(c.task) ?? [];
    if (!list.includes(c.metric)) list.push(c.metric);
    metrics.set(c.task, list);
  }
  notes.push(`Metric: ${[...metrics].map(([task, m]) => `${task} ${m.join(', ')}`).join('; ')} (the papers' scale).`);
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
  if (cells.some((c) => c.greedy)) {
    notes.push(
      `${GREEDY_MARK} Greedy decoding in place of the task's beam search: the model's server has none, and the run ` +
        "allowed the substitute (the openai backend's allow-greedy); not the papers' decoding.",
    );
  }
  if (cells.some((c) => c.std !== undefined)) {
    notes.push('± Standard deviation over seeds (measured: sample std of the trials; published: as printed).');
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
