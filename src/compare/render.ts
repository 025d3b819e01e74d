// The comparison for people (terminal table, Markdown) and for analysis (tidy CSV, one row per cell compared).
import { safeCsv } from '../leaderboard/csv.ts';
import { renderTable } from '../core/table.ts';
import type { Comparison, ComparedCell } from './pairs.ts';

const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : String(value));
const signed = (value: number) => (value > 0 ? `+${fixed(value)}` : fixed(value));
const pValue = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

function shotsText(cell: ComparedCell): string {
  return cell.shotsA === cell.shotsB ? String(cell.shotsA) : `${cell.shotsA} → ${cell.shotsB}`;
}

function head(comparison: Comparison): string[] {
  const levels = [...new Set(comparison.cells.map((c) => c.level))];
  const level = levels.length === 1 ? `${Math.round(levels[0]! * 100)}% CI` : 'CI';
  return ['task', 'shots', 'variant', 'metric', 'n', 'seeds A/B', 'A', 'B', 'B − A', level, 'p', 'p (Holm)', 'verdict'];
}

function rows(comparison: Comparison): string[][] {
  return comparison.cells.map((c) => [
    `${c.task}${c.split ? ` (${c.split})` : ''}`,
    shotsText(c),
    c.variant,
    c.metric,
    String(c.n),
    `${c.seedsA}/${c.seedsB}`,
    fixed(c.a),
    fixed(c.b),
    signed(c.difference),
    `${signed(c.low)} … ${signed(c.high)}`,
    pValue(c.p),
    pValue(c.pHolm),
    `${c.verdict}${c.sample ? ' †' : ''}`,
  ]);
}

/** Who is compared with whom, what the columns mean, what was not compared. */
function notes(comparison: Comparison): string[] {
  const { cells } = comparison;
  const lines: string[] = [];
  const modelsA = [...new Set(cells.map((c) => c.modelA))].join(', ');
  const modelsB = [...new Set(cells.map((c) => c.modelB))].join(', ');
  if (cells.length > 0) {
    lines.push(`A: ${modelsA}; B: ${modelsB}. B − A on the same queries; verdict: B better or worse than A where the Holm-adjusted p is below ${(1 - cells[0]!.level).toFixed(2)}.`);
    lines.push(
      `Paired bootstrap over the queries (${cells[0]!.samples} resamples, the same query indices for both sides and every seed; ` +
        "each resample rescored as the task's scorer would; seeds averaged within it); p two-sided; Holm's correction across the " +
        `${cells.length} cell${cells.length === 1 ? '' : 's'} compared.`,
    );
  }
  if (cells.some((c) => c.sample)) lines.push('† Built-in sample data: a check that the pipeline runs, not a benchmark result.');
  for (const r of comparison.refused) {
    const shots = r.shotsA === r.shotsB ? `${r.shotsA}-shot` : `${r.shotsA} → ${r.shotsB} shots`;
    lines.push(`not compared: ${r.task} ${shots}${r.variant ? ` (${r.variant})` : ''}: ${r.reason} [A: ${r.fileA}; B: ${r.fileB}]`);
  }
  for (const line of comparison.unmatched) lines.push(`not compared: ${line}`);
  return lines;
}

export function renderComparisonTable(comparison: Comparison, colour: boolean): string {
  return `${renderTable(head(comparison), rows(comparison), colour)}\n${notes(comparison).join('\n')}\n`;
}

export function renderComparisonMarkdown(comparison: Comparison): string {
  const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const h = head(comparison);
  const rule = `|${h.map((_, i) => (i < 4 ? '---' : '---:')).join('|')}|`;
  const body = rows(comparison).map(line);
  const footer = notes(comparison).map((note, i, all) => escape(note) + (i < all.length - 1 ? '  ' : ''));
  return [line(h), rule, ...body, '', ...footer].join('\n') + '\n';
}

/** Tidy CSV: one row per cell compared, numbers at full precision, text cells spreadsheet-safe (leaderboard/csv.ts). */
export function renderComparisonCsv(comparison: Comparison): string {
  const header = [
    'task', 'split', 'variant', 'metric', 'shots_a', 'shots_b', 'model_a', 'model_b', 'n', 'seeds_a', 'seeds_b',
    'mean_a', 'mean_b', 'difference', 'ci_low', 'ci_high', 'level', 'p', 'p_holm', 'verdict', 'data', 'record_a', 'record_b',
  ];
  const body = comparison.cells.map((c) => [
    c.task, c.split ?? '', c.variant, c.metric, c.shotsA, c.shotsB, c.modelA, c.modelB, c.n, c.seedsA, c.seedsB,
    c.a, c.b, c.difference, c.low, c.high, c.level, c.p, c.pHolm, c.verdict, c.sample ? 'sample' : 'official', c.fileA, c.fileB,
  ]);
  return safeCsv([header, ...body]);
}
