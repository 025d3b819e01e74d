// What a plot shows, taken from the leaderboard: for one task, score against shots (one line per model, by size) or
// score against parameter count (one line per model family and number of shots: sizes of one family are joined, so
// models of different families at the same size never share a line). Published rows become their own lines.
import { plainRowOf, type Column, type Leaderboard } from '../leaderboard/board.ts';
import { UsageError } from '../core/errors.ts';

export interface PlotPoint {
  /** Shots, or parameters (by size). */
  x: number;
  mean: number;
  /** Std over seeds, where there were several (measured) or the source prints one (published). */
  std?: number;
  trials: number;
  /** Measured on the built-in sample data. */
  sample: boolean;
}

export interface PlotSeries {
  name: string;
  published: boolean;
  /** A run with `--ablation`: drawn in its plain run's colour (`plain`: that series' name) with the ablation's dash. */
  ablation?: string;
  plain?: string;
  points: PlotPoint[];
  /** By size: the family line this series draws (its colour) and its number of shots (its dash pattern). */
  family?: string;
  shots?: number;
}

export interface PlotData {
  task: string;
  split: string | null;
  metric: string;
  by: 'shots' | 'size';
  /** In legend order: models by size (by shots), shot counts in order (by size); published after measured. */
  series: PlotSeries[];
}

/** The task's columns to plot: its default split unless `split` is given, and its most frequent metric. */
export function plotColumns(board: Leaderboard, task: string, split?: string): Column[] {
  const ofTask = board.columns.filter((c) => c.task === task);
  if (ofTask.length === 0) {
    const tasks = [...new Set(board.columns.map((c) => c.task))].join(', ');
    throw new UsageError(`--task ${task}: no run records of this task (records found for: ${tasks || 'none'})`);
  }
  const splits = [...new Set(ofTask.map((c) => c.split))];
  const chosen = split ?? (splits.includes(null) ? null : splits[0]!);
  const ofSplit = ofTask.filter((c) => c.split === chosen);
  if (ofSplit.length === 0) {
    throw new UsageError(
      `--split ${split}: no ${task} records of this split (splits recorded: ${splits.map((s) => s ?? 'default').join(', ')})`,
    );
  }
  const counts = new Map<string, number>();
  for (const c of ofSplit) counts.set(c.metric, (counts.get(c.metric) ?? 0) + 1);
  const metric = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  return ofSplit.filter((c) => c.metric === metric).sort((a, b) => a.shots - b.shots);
}

/** Score against shots: one series per leaderboard row (model and run variant) with a value in these columns. */
export function shotsPlot(board: Leaderboard, columns: Column[]): PlotData {
  const series: PlotSeries[] = [];
  for (const row of board.rows) {
    const points = columns.flatMap((c) => {
      const cell = row.cells.get(c.key);
      // A cell whose metric is undefined on its queries (n/a) has no point to draw.
      return cell && cell.undefined === undefined ? [point(c.shots, cell)] : [];
    });
    if (points.length > 0) {
      const plain = plainRowOf(board, row);
      series.push({
        name: seriesName(row.name, row.published),
        published: row.published,
        ...(row.ablation ? { ablation: row.ablation, ...(plain ? { plain: plain.name } : {}) } : {}),
        points,
      });
    }
  }
  return { ...about(columns), by: 'shots', series: publishedLast(series) };
}

/**
 * Score against parameter count: one series per model family (with its run choices) and number of shots, measured
 * families first, then published ones, each family's shots in order.
 */
export function sizePlot(board: Leaderboard, columns: Column[]): PlotData {
  const series: PlotSeries[] = [];
  for (const published of [false, true]) {
    const families = [...new Set(board.rows.filter((row) => row.published === published && !row.ablation).map((row) => row.family))];
    for (const family of families) {
      // Ablation rows are not models of another size: they stay on the score-against-shots plot.
      const rows = board.rows.filter((row) => row.published === published && row.family === family && !row.ablation);
      for (const c of columns) {
        const points = rows.flatMap((row) => {
          const cell = row.cells.get(c.key);
          return cell && cell.undefined === undefined ? [point(row.parameters, cell)] : [];
        });
        if (points.length > 0) {
          points.sort((a, b) => a.x - b.x);
          const name = `${seriesName(family, published)}, ${c.shots} shots`;
          series.push({ name, published, points, family: seriesName(family, published), shots: c.shots });
        }
      }
    }
  }
  return { ...about(columns), by: 'size', series };
}

function about(columns: Column[]): Pick<PlotData, 'task' | 'split' | 'metric'> {
  const first = columns[0]!;
  return { task: first.task, split: first.split, metric: first.metric };
}

function point(x: number, cell: { mean: number; std?: number; trials: number; sample: boolean }): PlotPoint {
  return { x, mean: cell.mean, ...(cell.std !== undefined ? { std: cell.std } : {}), trials: cell.trials, sample: cell.sample };
}

function seriesName(name: string, published: boolean): string {
  return published ? `${name} (published)` : name;
}

function publishedLast(series: PlotSeries[]): PlotSeries[] {
  return [...series.filter((s) => !s.published), ...series.filter((s) => s.published)];
}
