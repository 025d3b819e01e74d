// The plot as a Vega-Lite specification: one line per series (dashed for published numbers), a point per value,
// error bars of +- one std over seeds where there are several, on a log-spaced x axis that includes 0 (axis.ts).
import type { TopLevelSpec } from 'vega-lite';
import { formatParameters } from '../core/format.ts';
import { logAxis } from './axis.ts';
import { metricTitle } from './metric.ts';
import type { PlotData } from './series.ts';

interface Datum {
  series: string;
  kind: 'measured' | 'published' | 'ablation';
  position: number;
  mean: number;
  low: number | null;
  high: number | null;
  description: string;
}

export function plotSpec(plot: PlotData): TopLevelSpec {
  const bySize = plot.by === 'size';
  const axis = logAxis(
    plot.series.flatMap((s) => s.points.map((p) => p.x)),
    bySize ? 10 : 2,
  );
  const xLabel = (x: number) => (bySize ? formatParameters(x) : String(x));
  const values: Datum[] = plot.series.flatMap((s) =>
    s.points.map((p) => {
      const spread = p.std !== undefined ? ` ± ${p.std.toFixed(2)} (std over ${p.trials} seeds)` : '';
      return {
        series: s.name,
        kind: s.published ? 'published' : s.ablation ? 'ablation' : 'measured',
        position: axis.position(p.x),
        mean: p.mean,
        low: p.std !== undefined ? p.mean - p.std : null,
        high: p.std !== undefined ? p.mean + p.std : null,
        description:
          `${s.name}; ${bySize ? 'parameters' : 'shots'}: ${xLabel(p.x)}; ${plot.metric}: ${p.mean.toFixed(2)}${spread}` +
          (p.sample ? '; sample data' : ''),
      };
    }),
  );
  // Vega-Lite has no per-tick label list, so the labels are an expression mapping each tick position to its value.
  const labelExpr = axis.ticks.reduceRight(
    (otherwise, t) => `abs(datum.value - ${t.position}) < 1e-9 ? ${JSON.stringify(xLabel(t.value))} : ${otherwise}`,
    "''",
  );
  const sample = plot.series.some((s) => s.points.some((p) => p.sample));
  const task = plot.split !== null ? `${plot.task} (${plot.split})` : plot.task;
  const series = plot.series.map((s) => s.name);
  // Ablation runs (--ablation) are dotted lines beside the plain run's solid one.
  const ablations = plot.series.some((s) => s.ablation !== undefined);
  const shared = {
    x: {
      field: 'position',
      type: 'quantitative' as const,
      scale: { zero: false, nice: false, padding: 16 },
      axis: {
        title: bySize
          ? 'parameters (log scale; 0 drawn one decade left of the smallest)'
          : 'shots (log scale; 0 drawn one doubling left of the smallest)',
        values: axis.ticks.map((t) => t.position),
        labelExpr,
        grid: false,
      },
    },
    color: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain: series, scheme: series.length > 10 ? 'tableau20' : 'category10' },
      sort: series,
      legend: { title: bySize ? 'shots' : 'model (by size)', labelLimit: 360 },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${task}: ${metricTitle(plot.metric)} against ${bySize ? 'model size' : 'shots'}`,
      ...(sample ? { subtitle: 'measured on the built-in sample data, not the benchmark' } : {}),
    },
    width: 520,
    height: 340,
    config: { font: 'DejaVu Sans, sans-serif' },
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          ...shared,
          y: { field: 'mean', type: 'quantitative', title: metricTitle(plot.metric), scale: { zero: false } },
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            scale: ablations
              ? { domain: ['measured', 'published', 'ablation'], range: [[1, 0], [6, 4], [2, 2]] }
              : { domain: ['measured', 'published'], range: [[1, 0], [6, 4]] },
            legend: plot.series.some((s) => s.published) || ablations ? { title: null } : null,
          },
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5 },
        transform: [{ filter: 'datum.low !== null' }],
        encoding: {
          ...shared,
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: { ...shared, y: { field: 'mean', type: 'quantitative' }, description: { field: 'description' } },
      },
    ],
  };
}
