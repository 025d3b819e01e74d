// The leaderboard as a terminal table (src/core/table.ts), footnotes below it.
import { renderTable } from '../core/table.ts';
import type { Leaderboard } from './board.ts';
import { textBoard } from './text.ts';

export function renderTerminal(
  board: Leaderboard,
  options: { sources: boolean; colour: boolean; ci?: boolean; rows?: 'models' | 'tasks' },
): string {
  const { head, body, footnotes } = textBoard(board, { ...options, empty: '-' });
  return `${renderTable(head, body, options.colour)}\n${footnotes.join('\n')}\n`;
}
