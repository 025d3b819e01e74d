// The leaderboard as data: rows are models (sorted by parameter count), columns are task x shots, cells are the
// mean (and std over seeds) of the task's primary metric. The formats (terminal, CSV, Markdown) only render it.
import type { ContextUse } from '../core/types.ts';
import type { PublishedRow } from '../paper/types.ts';
import { identityDifferences } from '../run/identity.ts';
import type { RecordEntry, RunVariant } from './entry.ts';

export type { RunVariant } from './entry.ts';

export interface Column {
  key: string;
  task: string;
  metric: string;
  /** `--split` of the runs, when not the task's default query split. */
  split: string | null;
  shots: number;
  /** `okvqa 4-shot`; with the split when not the default, and the metric when a task shows several. */
  label: string;
}

export interface Cell {
  /** NaN when the metric is undefined on the queries evaluated (`undefined` says why). */
  mean: number;
  undefined?: string;
  /** `--protocol flamingo` run on fewer queries than the protocol asks (a partial copy of the dataset). */
  protocolShortfall?: { asked: number; evaluated: number };
  /** Std over seeds; present only when there were several (measured) or the source prints one (published). */
  std?: number;
  trials: number;
  /** Measured on the built-in sample data, not the benchmark. */
  sample: boolean;
  /** Measured: queries per trial, and whether they were a `--limit` subset of the query split. */
  queries?: number;
  subset?: boolean;
  /** Measured: the 95% bootstrap interval over the queries (records that carry one). */
  ci?: { low: number; high: number; level: number };
  /** Measured: the record that holds the cell. */
  file?: string;
  /** Measured with greedy decoding in place of the task's beam search (a served model whose server has none). */
  greedy?: boolean;
  /** Published cells: where the number is printed. */
  source?: string;
  /** Measured cells: the record's context-use figures (leaderboard --diagnostics). */
  contextUse?: ContextUse;
}

export interface Row extends RunVariant {
  /** The model's name, with its non-default run choices: ` (RICES)`, ` (openflamingo prompts)`. */
  name: string;
  /** The model's name alone. */
  model: string;
  /**
   * The model family with the same run choices (`Flamingo (RICES)`): the models of one family at several sizes, which a
   * size plot joins with one line. Measured rows: the record's model family; published rows: the model's name without
   * its size (`OpenFlamingo-9B` -> `OpenFlamingo`).
   */
  family: string;
  parameters: number;
  published: boolean;
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

const DEFAULT_VARIANT: RunVariant = { demonstrations: 'random', promptStyle: 'paper', ensemble: 1 };

/**
 * Builds the leaderboard from records, adding published rows for the columns present when `published` is given.
 * A published number is its benchmark's headline result, whatever the collector named its metric (`top1_accuracy`,
 * `wups`), so it sits in the column of the metric `headline(task)` names (the built-in task's metric); for other
 * tasks, in the column of the same metric name.
 */
export function buildLeaderboard(
  entries: RecordEntry[],
  published?: PublishedRow[],
  headline: (task: string) => string | undefined = () => undefined,
  taskOrder: readonly string[] = PAPER_TASK_ORDER,
): BuildResult {
  const { kept, warnings } = choosePerCell(entries);
  const columns = columnsOf(kept, taskOrder);
  const columnKeys = new Set(columns.map((c) => c.key));
  const rows = new Map<string, Row>();
  const rowFor = (model: string, family: string, parameters: number, variant: RunVariant, isPublished: boolean) => {
    const key = JSON.stringify([isPublished, model, variantKey(variant)]);
    let row = rows.get(key);
    if (!row) {
      const name = rowName(model, variant);
      row = { name, model, family: rowName(family, variant), parameters, published: isPublished, ...variant, cells: new Map() };
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
      ...(entry.protocolShortfall ? { protocolShortfall: entry.protocolShortfall } : {}),
      file: entry.file,
      ...(entry.ci ? { ci: entry.ci } : {}),
      ...(entry.greedy ? { greedy: true } : {}),
      ...(entry.undefined !== undefined ? { undefined: entry.undefined } : {}),
    };
    if (entry.trials > 1 && entry.undefined === undefined) cell.std = entry.std;
    if (entry.contextUse) cell.contextUse = entry.contextUse;
    rowFor(entry.model, entry.family ?? entry.model, entry.parameters, entry, false).cells.set(columnKey(entry), cell);
  }

  if (published) {
    // Published rows use the same demonstration selection (and prompt ensembling) as the measured ones, so like is
    // compared with like; they sit in the columns of each task's default split (the split the papers report).
    const selections = new Set(kept.map((e) => JSON.stringify([e.demonstrations, e.ensemble])));
    for (const p of published) {
      const variant = { ...DEFAULT_VARIANT, demonstrations: p.demonstrations, ensemble: p.ensemble ?? 1 };
      const key = columnKey({ task: p.task, metric: headline(p.task) ?? p.metric, split: null, shots: p.shots });
      if (!selections.has(JSON.stringify([variant.demonstrations, variant.ensemble])) || !columnKeys.has(key)) continue;
      const cell: Cell = { mean: p.value, trials: p.trials ?? 1, sample: false, source: p.source };
      if (p.std !== undefined) cell.std = p.std;
      rowFor(p.model, publishedFamily(p.model), p.parameters, variant, true).cells.set(key, cell);
    }
  }

  const sorted = [...rows.values()].sort(
    (a, b) => a.parameters - b.parameters || Number(a.published) - Number(b.published) || compare(a.name, b.name),
  );
  return { board: { columns, rows: sorted }, warnings };
}

/**
 * A published model's family: its name without the size (`Flamingo-80B` -> `Flamingo`, `OpenFlamingo-3B-Instruct`
 * -> `OpenFlamingo-Instruct`).
 */
export function publishedFamily(model: string): string {
  return model.replace(/[-_ ]\d+(?:\.\d+)?[KMBT](?=[-_ ]|$)/i, '') || model;
}

/** `tiny-m`, `tiny-m (RICES)`, `tiny-m (RICES, openflamingo prompts, ensemble of 6)`, `tiny-m (okvqa.stem)`. */
export function rowName(model: string, variant: RunVariant): string {
  const parts = [
    ...(variant.demonstrations === 'rices' ? ['RICES'] : []),
    ...(variant.promptStyle !== 'paper' ? [`${variant.promptStyle} prompts`] : []),
    ...(variant.ensemble > 1 ? [`ensemble of ${variant.ensemble}`] : []),
    ...Object.entries(variant.args ?? {}).map(([name, value]) => (value === true ? name : `${name}=${String(value)}`)),
    ...(variant.ablation ? [`ablation ${variant.ablation}`] : []),
  ];
  return parts.length > 0 ? `${model} (${parts.join(', ')})` : model;
}

function variantKey(variant: RunVariant): string {
  const args = Object.entries(variant.args ?? {}).sort(([a], [b]) => compare(a, b));
  return JSON.stringify([variant.demonstrations, variant.promptStyle, variant.ensemble, args, ...(variant.ablation ? [variant.ablation] : [])]);
}

/** The row of the same model and run choices without the ablation: what an ablation row is compared with. */
export function plainRowOf(board: Leaderboard, row: Row): Row | undefined {
  if (!row.ablation) return undefined;
  const { ablation: _ablation, ...plain } = row;
  const key = variantKey(plain);
  return board.rows.find((other) => !other.published && other.model === row.model && variantKey(other) === key);
}

function columnKey(cell: { task: string; metric: string; split: string | null; shots: number }): string {
  return JSON.stringify([cell.task, cell.metric, cell.split, cell.shots]);
}

/**
 * The order the Flamingo paper lists the tasks in (its few-shot results table, then ImageNet and Kinetics-700);
 * tasks it does not name follow by name.
 */
export const PAPER_TASK_ORDER: readonly string[] = [
  'okvqa', 'vqav2', 'coco', 'msvdqa', 'vatex', 'vizwiz', 'flickr30k', 'msrvttqa', 'ivqa', 'youcook2', 'star', 'visdial',
  'textvqa', 'nextqa', 'hatefulmemes', 'rareact', 'imagenet', 'kinetics700',
];

/** Tasks in `order`, then the others by name. */
function byTaskOrder(order: readonly string[]): (a: string, b: string) => number {
  const rank = (task: string) => {
    const at = order.indexOf(task);
    return at < 0 ? order.length : at;
  };
  return (a, b) => rank(a) - rank(b) || compare(a, b);
}

function columnsOf(entries: RecordEntry[], taskOrder: readonly string[]): Column[] {
  const taskCompare = byTaskOrder(taskOrder);
  const metricsOfTask = new Map<string, Set<string>>();
  const seen = new Map<string, Omit<Column, 'label'>>();
  for (const e of entries) {
    metricsOfTask.set(e.task, (metricsOfTask.get(e.task) ?? new Set()).add(e.metric));
    seen.set(columnKey(e), { key: columnKey(e), task: e.task, metric: e.metric, split: e.split, shots: e.shots });
  }
  return [...seen.values()]
    .sort(
      (a, b) =>
        taskCompare(a.task, b.task) ||
        compare(a.split ?? '', b.split ?? '') ||
        compare(a.metric, b.metric) ||
        a.shots - b.shots,
    )
    .map((c) => {
      const words = [c.task, ...(c.split !== null ? [c.split] : [])];
      if (metricsOfTask.get(c.task)!.size > 1) words.push(c.metric);
      return { ...c, label: `${words.join(' ')} ${c.shots}-shot` };
    });
}

/**
 * The records a leaderboard shows: one per model x run variant x column. Several records of one cell may be reruns of
 * one configuration or runs of different ones (src/run/identity.ts): official data is preferred to the built-in
 * sample data, the whole query split to a --limit subset, the papers' beam search to greedy decoding standing in for it
 * (a served model without beam search), then the newest; a warning names the record used, why, and
 * each record ignored with how it differs.
 */
export function choosePerCell(entries: RecordEntry[]): { kept: RecordEntry[]; warnings: string[] } {
  const groups = new Map<string, RecordEntry[]>();
  for (const e of entries) {
    const key = JSON.stringify([e.model, variantKey(e), columnKey(e)]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const kept: RecordEntry[] = [];
  const warnings: string[] = [];
  for (const group of groups.values()) {
    const ordered = group
      .slice()
      .sort(
        (a, b) =>
          Number(a.sample) - Number(b.sample) ||
          Number(a.subset) - Number(b.subset) ||
          Number(a.greedy === true) - Number(b.greedy === true) ||
          newer(b, a) ||
          compare(a.file, b.file),
      );
    const chosen = ordered[0]!;
    kept.push(chosen);
    if (ordered.length === 1) continue;
    const task = chosen.split !== null ? `${chosen.task} (${chosen.split})` : chosen.task;
    const others = ordered.slice(1);
    const why = others.some((e) => e.sample !== chosen.sample)
      ? 'official data, preferred to the built-in sample data'
      : others.some((e) => e.subset !== chosen.subset)
        ? 'the whole query split, preferred to a --limit subset'
        : others.some((e) => (e.greedy === true) !== (chosen.greedy === true))
          ? "the papers' beam search, preferred to greedy decoding"
          : 'the newest';
    warnings.push(
      `${ordered.length} records for ${rowName(chosen.model, chosen)} x ${task} x ${chosen.shots} shots: ` +
        `using ${why === 'the newest' ? 'the newest, ' : ''}${chosen.file} (${[...(why === 'the newest' ? [] : [why]), chosen.createdAt].join(', ')}); ` +
        `ignoring ${others.map((e) => `${e.file} (${describeOther(e, chosen)})`).join(', ')}`,
    );
  }
  return { kept, warnings };
}

/** How an ignored record differs from the one used: its data, its query set, its configuration, its date. */
function describeOther(other: RecordEntry, chosen: RecordEntry): string {
  const words: string[] = [];
  if (other.sample !== chosen.sample) words.push(other.sample ? 'sample data' : 'official data');
  if (other.subset !== chosen.subset) words.push(other.subset ? `a --limit subset of ${other.queries} queries` : 'the whole split');
  if ((other.greedy === true) !== (chosen.greedy === true)) words.push(other.greedy ? 'greedy in place of beam search' : 'beam search');
  if (other.identity !== undefined && chosen.identity !== undefined && other.identity !== chosen.identity) {
    const parts = other.identityParts && chosen.identityParts ? identityDifferences(other.identityParts, chosen.identityParts) : [];
    words.push(parts.length > 0 ? `another configuration: ${parts.join(', ')} differ` : 'another configuration');
  }
  words.push(other.createdAt);
  return words.join(', ');
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
