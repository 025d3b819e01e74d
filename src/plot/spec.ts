// The plot as a Vega-Lite specification: one line per series, a point per value, error bars of +- one std over seeds
// where there are several, on a log-spaced x axis that includes 0 (axis.ts). Series are told apart by colour and dash
// pattern together (one legend): by shots, ten colours, published lines dashed, and past ten series the colours
// repeat with dotted patterns; by size, one colour per model family and one dash pattern per number of shots.
import type { TopLevelSpec } from 'vega-lite';
import { formatParameters } from '../core/format.ts';
import { logAxis } from './axis.ts';
import { metricTitle } from './metric.ts';
import { ABLATIONS } from '../run/ablation.ts';
import type { PlotData } from './series.ts';

/** Tableau 10: ten hues chosen to stay apart from each other (no near-identical pairs, unlike 20-colour schemes). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const SOLID = [1, 0];
/** Dash patterns, most distinct first. */
const DASHES = [SOLID, [6, 4], [2, 3], [10, 3, 2, 3], [14, 5], [1, 6]];

/** Colour and dash pattern of each series, in legend order. */
export function seriesStyles(plot: PlotData): { colour: string; dash: number[] }[] {
  if (plot.by === 'size') {
    const families = [...new Set(plot.series.map((s) => s.family ?? s.name))];
    const shots = [...new Set(plot.series.map((s) => s.shots ?? 0))].sort((a, b) => a - b);
    return plot.series.map((s) => ({
      colour: PALETTE[families.indexOf(s.family ?? s.name) % PALETTE.length]!,
      dash: DASHES[shots.indexOf(s.shots ?? 0) % DASHES.length]!,
    }));
  }
  // An ablation run (--ablation) is drawn in its plain run's colour, with its ablation's dash pattern.
  const plain = plot.series.filter((s) => s.ablation === undefined);
  return plot.series.map((s) => {
    const i = plain.indexOf(plot.series.find((p) => p.ablation === undefined && p.name === (s.plain ?? s.name)) ?? s);
    const at = i >= 0 ? i : plot.series.indexOf(s);
    const round = Math.floor(at / PALETTE.length);
    const dash = s.ablation !== undefined
      ? ABLATION_DASHES[Math.max(0, (ABLATIONS as readonly string[]).indexOf(s.ablation)) % ABLATION_DASHES.length]!
      : s.published ? DASHES[(2 * round + 1) % DASHES.length]! : DASHES[(2 * round) % DASHES.length]!;
    return { colour: PALETTE[at % PALETTE.length]!, dash };
  });
}

/** Dash patterns of the ablations, in ABLATIONS order: dotted and dot-dashed, apart from the plain runs' solid. */
const ABLATION_DASHES = [[2, 3], [10, 3, 2, 3], [1, 6], [6, 2, 1, 2]];

interface Datum {
  series: string;
  kind: 'measured' | 'published';
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
        kind: s.published ? 'published' : 'measured',
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
  const styles = seriesStyles(plot);
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
        // Every tick is a value present in the data: each keeps its label (sizes such as 3B and 4B sit close on a
        // log axis, and Vega would otherwise hide the labels that overlap), slanted so that neighbours fit.
        labelOverlap: false,
        ...(bySize ? { labelAngle: -35 } : {}),
        grid: false,
      },
    },
    color: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain: series, range: styles.map((s) => s.colour) },
      sort: series,
      legend: { title: bySize ? 'model family, shots' : 'model (by size)', labelLimit: 360, symbolType: 'stroke', symbolStrokeWidth: 2 },
    },
    // The same field as the colour, so Vega-Lite draws one legend showing each series' colour and dash together.
    strokeDash: {
      field: 'series',
      type: 'nominal' as const,
      scale: { domain: series, range: styles.map((s) => s.dash) },
      sort: series,
      legend: { title: bySize ? 'model family, shots' : 'model (by size)', labelLimit: 360, symbolType: 'stroke', symbolStrokeWidth: 2 },
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
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5 },
        transform: [{ filter: 'datum.low !== null' }],
        encoding: {
          ...shared,
          strokeDash: { value: SOLID },
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: shared.x,
          color: shared.color,
          y: { field: 'mean', type: 'quantitative' },
          description: { field: 'description' },
        },
      },
    ],
  };
}
