// The leaderboard as CSV (csv-stringify): numbers at full precision, and for each task x shots four columns — the
// mean, the std over seeds (empty for a single seed), the number of queries (`n`; measured cells), and the data:
// `sample` (built-in sample data), `subset` (a --limit subset of the query split), `greedy` (greedy decoding in place of
// the task's beam search), or empty.
import { stringify } from 'csv-stringify/sync';
import type { Leaderboard } from './board.ts';

export function renderCsv(board: Leaderboard): string {
  const header = ['model', 'parameters', 'source'];
  for (const c of board.columns) header.push(c.label, `${c.label} std`, `${c.label} n`, `${c.label} data`);
  const records = board.rows.map((row) => {
    const cells = board.columns.map((c) => row.cells.get(c.key));
    const sources = [...new Set(cells.flatMap((cell) => (cell?.source ? [cell.source] : [])))];
    const out: (string | number)[] = [row.name, row.parameters, row.published ? sources.join('; ') : 'measured'];
    for (const cell of cells) {
      const data = [...(cell?.sample ? ['sample'] : []), ...(cell?.subset ? ['subset'] : []), ...(cell?.greedy ? ['greedy'] : [])].join(' ');
      out.push(cell?.mean ?? '', cell?.std ?? '', cell?.queries ?? '', data);
    }
    return out;
  });
  return stringify([header, ...records]);
}
