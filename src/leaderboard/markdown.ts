// The leaderboard as a GitHub-flavoured Markdown table, footnotes below it.
import type { Leaderboard } from './board.ts';
import { textBoard } from './text.ts';

/** Escapes what would break a table cell: `|` (and a backslash, so `\\|` stays literal), and line breaks. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(board: Leaderboard, options: { sources: boolean; ci?: boolean; rows?: 'models' | 'tasks' }): string {
  const { head, body, footnotes } = textBoard(board, { ...options, empty: '' });
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  // Model, params and source (or, with tasks as rows, the task) left-aligned; numbers right-aligned.
  const textColumns = options.rows === 'tasks' ? 1 : options.sources ? 3 : 2;
  const rule = `|${head.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`;
  // Two trailing spaces: a line break between footnotes, which Markdown would otherwise join into one paragraph.
  const notes = footnotes.map((note, i) => escapeCell(note) + (i < footnotes.length - 1 ? '  ' : ''));
  return [line(head), rule, ...body.map(line), '', ...notes].join('\n') + '\n';
}

/** A plain Markdown table: the first `textColumns` left-aligned, the others right-aligned. */
export function markdownTable(head: string[], body: string[][], textColumns: number): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${head.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`;
  return [line(head), rule, ...body.map(line), ''].join('\n') + '\n';
}
