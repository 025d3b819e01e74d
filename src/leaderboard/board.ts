// The leaderboard as data: rows are models (sorted by parameter count), columns are task x shots, cells are the
// mean (and std over seeds) of the task's primary metric. The formats (terminal, CSV, Markdown) only render it.
import type { DemonstrationSelection, PublishedRow } from '../paper/types.ts';
import type { RecordEntry } from './records.ts';

export interface Column {
  key: string;
  task: string;
  metric: string;
  shots: number;
  /** `okvqa 4-shot`; the metric is added when one task appears with several metrics. */
  label: string;
}

export interface Cell {
  mean: number;
  /** Std over seeds; present only when there were several (measured) or the source prints one (published). */
  std?: number;
  trials: number;
  /** Measured on the built-in sample data, not the benchmark. */
  sample: boolean;
  /** Measured: queries per trial, and whether they were a `--limit` subset of the query split. */
  queries?: number;
  subset?: boolean;
  /** Published cells: where the number is printed. */
  source?: string;
}

export interface Row {
  /** The model's name, with its non-default run choices: ` (RICES)`, ` (openflamingo prompts)`. */
  name: string;
  parameters: number;
  published: boolean;
  demonstrations: DemonstrationSelection;
  cells: Map<string, Cell>;
}

export interface Leaderboard {
  columns: Column[];
  rows: Row[];
}

export interface BuildResult {
  board: Leaderboard;
  /** One line per model x task x shots with several records (the newest is used). */
  warnings: string[];
}

/** Builds the leaderboard from records, adding published rows for the columns present when `published` is given. */
export function buildLeaderboard(entries: RecordEntry[], published?: PublishedRow[]): BuildResult {
  const { kept, warnings } = newestPerCell(entries);
  const columns = columnsOf(kept);
  const columnKeys = new Set(columns.map((c) => c.key));
  const rows = new Map<string, Row>();
  const rowFor = (
    model: string,
    parameters: number,
    demonstrations: DemonstrationSelection,
    promptStyle: string,
    isPublished: boolean,
  ) => {
    const key = JSON.stringify([isPublished, model, demonstrations, promptStyle]);
    let row = rows.get(key);
    if (!row) {
      const name = rowName(model, demonstrations, promptStyle);
      row = { name, parameters, published: isPublished, demonstrations, cells: new Map() };
      rows.set(key, row);
    }
    return row;
  };

  for (const entry of kept) {
    const cell: Cell = {
      mean: entry.mean,
      trials: entry.trials,
      sample: entry.sample,
      queries: entry.queries,
      subset: entry.subset,
    };
    if (entry.trials > 1) cell.std = entry.std;
    const row = rowFor(entry.model, entry.parameters, entry.demonstrations, entry.promptStyle, false);
    row.cells.set(columnKey(entry), cell);
  }

  if (published) {
    // Published rows use the same demonstration selection as the measured ones, so like is compared with like.
    const selections = new Set(kept.map((e) => e.demonstrations));
    for (const p of published) {
      if (!selections.has(p.demonstrations) || !columnKeys.has(columnKey(p))) continue;
      const cell: Cell = { mean: p.value, trials: p.trials ?? 1, sample: false, source: p.source };
      if (p.std !== undefined) cell.std = p.std;
      rowFor(p.model, p.parameters, p.demonstrations, 'paper', true).cells.set(columnKey(p), cell);
    }
  }

  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.parameters - b.parameters ||
      Number(a.published) - Number(b.published) ||
      compare(a.name, b.name),
  );
  return { board: { columns, rows: sorted }, warnings };
}

/** `tiny-m`, `tiny-m (RICES)`, `tiny-m (RICES, openflamingo prompts)`. */
export function rowName(model: string, demonstrations: DemonstrationSelection, promptStyle = 'paper'): string {
  const variants = [
    ...(demonstrations === 'rices' ? ['RICES'] : []),
    ...(promptStyle !== 'paper' ? [`${promptStyle} prompts`] : []),
  ];
  return variants.length > 0 ? `${model} (${variants.join(', ')})` : model;
}

function columnKey(cell: { task: string; metric: string; shots: number }): string {
  return JSON.stringify([cell.task, cell.metric, cell.shots]);
}

function columnsOf(entries: RecordEntry[]): Column[] {
  const metricsOfTask = new Map<string, Set<string>>();
  const seen = new Map<string, Omit<Column, 'label'>>();
  for (const e of entries) {
    const set = metricsOfTask.get(e.task) ?? new Set();
    set.add(e.metric);
    metricsOfTask.set(e.task, set);
    seen.set(columnKey(e), { key: columnKey(e), task: e.task, metric: e.metric, shots: e.shots });
  }
  return [...seen.values()]
    .sort((a, b) => compare(a.task, b.task) || compare(a.metric, b.metric) || a.shots - b.shots)
    .map((c) => ({
      ...c,
      label: (metricsOfTask.get(c.task)!.size > 1 ? `${c.task} ${c.metric}` : c.task) + ` ${c.shots}-shot`,
    }));
}

/** One record per model x run variant x task x metric x shots: the newest by `createdAt`. */
function newestPerCell(entries: RecordEntry[]): { kept: RecordEntry[]; warnings: string[] } {
  const groups = new Map<string, RecordEntry[]>();
  for (const e of entries) {
    const key = JSON.stringify([e.model, e.demonstrations, e.promptStyle, e.task, e.metric, e.shots]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const kept: RecordEntry[] = [];
  const warnings: string[] = [];
  for (const group of groups.values()) {
    const ordered = group.slice().sort((a, b) => newer(b, a) || compare(a.file, b.file));
    const newest = ordered[0]!;
    kept.push(newest);
    if (ordered.length > 1) {
      const name = rowName(newest.model, newest.demonstrations, newest.promptStyle);
      warnings.push(
        `${ordered.length} records for ${name} x ${newest.task} x ${newest.shots} shots: ` +
          `using the newest, ${newest.file} (${newest.createdAt}); ignoring ` +
          ordered
            .slice(1)
            .map((e) => `${e.file} (${e.createdAt})`)
            .join(', '),
      );
    }
  }
  return { kept, warnings };
}

/** Positive when `a` was created after `b` (ISO times with any offset; text order when one does not parse). */
function newer(a: RecordEntry, b: RecordEntry): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  return Number.isNaN(ta) || Number.isNaN(tb) ? compare(a.createdAt, b.createdAt) : ta - tb;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
