// `leaderboard --diagnostics`: beside the scores, how each measured cell used its context (src/run/context-use.ts):
// one line per row x column whose record has context-use figures, with an ablation row's score against its plain row.
import { stringify } from 'csv-stringify/sync';
import type { ContextSide, ContextUse } from '../core/types.ts';
import { plainRowOf, type Leaderboard } from './board.ts';
import { formatMean } from './text.ts';

/** A record's context-use figures (ContextUse: n, the rates and their chance levels) on one leaderboard line. */
export interface DiagnosticsLine extends Omit<ContextUse, 'answerInContext'> {
  row: string;
  column: string;
  inContext: ContextSide;
  notInContext: ContextSide;
  /** Ablation rows: the score minus the plain row's in the same column (null without a plain row's cell). */
  deltaVsPlain: number | null;
  file: string;
}

export function diagnosticsLines(board: Leaderboard): DiagnosticsLine[] {
  const lines: DiagnosticsLine[] = [];
  for (const row of board.rows) {
    if (row.published) continue;
    const plain = plainRowOf(board, row);
    for (const column of board.columns) {
      const cell = row.cells.get(column.key);
      const figures = cell?.contextUse;
      const plainCell = plain?.cells.get(column.key);
      if (!cell || (!figures && !row.ablation)) continue;
      lines.push({
        row: row.name,
        column: column.label,
        n: figures?.n ?? 0,
        copy: figures?.copy ?? Number.NaN,
        copyChance: figures?.copyChance ?? null,
        last: figures?.last ?? Number.NaN,
        lastChance: figures?.lastChance ?? null,
        majority: figures?.majority ?? Number.NaN,
        majorityChance: figures?.majorityChance ?? null,
        inContext: figures?.answerInContext.yes ?? { n: 0, score: null },
        notInContext: figures?.answerInContext.no ?? { n: 0, score: null },
        deltaVsPlain: row.ablation && plainCell ? cell.mean - plainCell.mean : null,
        file: cell.file ?? '',
      });
    }
  }
  return lines;
}

const HEAD = ['model', 'column', 'prompts', 'copy % (chance)', 'last demo % (chance)', 'majority % (chance)',
  'score: answer in context (n)', 'score: not in context (n)', 'Δ vs plain'];

function rate(value: number, chance: number | null): string {
  if (Number.isNaN(value)) return '';
  return `${formatMean(value)} (${chance === null ? '-' : formatMean(chance)})`;
}

function side(value: ContextSide): string {
  return value.n === 0 ? `- (0)` : `${value.score === null ? '-' : formatMean(value.score)} (${roundN(value.n)})`;
}

function roundN(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function signed(value: number | null): string {
  return value === null ? '' : `${value >= 0 ? '+' : ''}${formatMean(value)}`;
}

/** The lines as text cells (terminal and Markdown), with the notes that explain them. */
export function diagnosticsText(board: Leaderboard): { head: string[]; body: string[][]; notes: string[] } {
  const lines = diagnosticsLines(board);
  const body = lines.map((line) => [
    line.row,
    line.column,
    line.n === 0 ? '' : roundN(line.n),
    rate(line.copy, line.copyChance),
    rate(line.last, line.lastChance),
    rate(line.majority, line.majorityChance),
    line.n === 0 ? '' : side(line.inContext),
    line.n === 0 ? '' : side(line.notInContext),
    signed(line.deltaVsPlain),
  ]);
  const notes = [
    'Context use: rates over the prompts that show demonstrations (n per seed, mean over seeds): the answer equals a ' +
      "demonstration's answer (copy), the last demonstration's, or the most frequent one's (majority; ties: any), " +
      "compared after the task's answer normalisation; close-ended tasks compare classes. Chance: the same rate " +
      "against the other prompts' demonstrations. Score split: whether a demonstration shows a correct answer for the " +
      'query. Δ vs plain: an ablation row\'s score minus the same run without the ablation.',
  ];
  if (lines.length === 0) notes.unshift('No record shown has context-use figures (records written before they existed have none).');
  return { head: HEAD, body, notes };
}

/** CSV of the lines, numbers at full precision (the leaderboard's CSV under --diagnostics). */
export function diagnosticsCsv(board: Leaderboard): string {
  const head = ['model', 'column', 'prompts', 'copy', 'copy_chance', 'last', 'last_chance', 'majority', 'majority_chance',
    'score_in_context', 'n_in_context', 'score_not_in_context', 'n_not_in_context', 'delta_vs_plain', 'record'];
  const value = (v: number | null) => (v === null || Number.isNaN(v) ? '' : v);
  return stringify([
    head,
    ...diagnosticsLines(board).map((l) => [l.row, l.column, l.n, value(l.copy), value(l.copyChance), value(l.last),
      value(l.lastChance), value(l.majority), value(l.majorityChance), value(l.inContext.score), l.inContext.n,
      value(l.notInContext.score), l.notInContext.n, value(l.deltaVsPlain), l.file]),
  ]);
}
