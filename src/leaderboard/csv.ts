// The leaderboard as CSV (csv-stringify): numbers at full precision, and for each task x shots four columns — the
// mean, the std over seeds (empty for a single seed), the number of queries (`n`; measured cells), and the data:
// `sample` (built-in sample data), `subset` (a --limit subset of the query split) or empty.
//
// Cells a spreadsheet would execute are neutralised as OWASP recommends for CSV export ("CSV Injection"): a text cell
// (a model or task name from a record, a column label, a source) that starts with `=`, `+`, `-`, `@`, a tab or a
// carriage return gets a leading `'` and is quoted, so `=HYPERLINK(...)` shows as text. Numbers (mean, std, n,
// parameters) are written as numbers and never prefixed: a mean of -3.5 stays the number -3.5.
import { stringify } from 'csv-stringify/sync';
import type { Leaderboard } from './board.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet will show it, never run it. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function renderCsv(board: Leaderboard): string {
  const header = ['model', 'parameters', 'source'];
  for (const c of board.columns) header.push(c.label, `${c.label} std`, `${c.label} n`, `${c.label} data`);
  const records = board.rows.map((row) => {
    const cells = board.columns.map((c) => row.cells.get(c.key));
    const sources = [...new Set(cells.flatMap((cell) => (cell?.source ? [cell.source] : [])))];
    const out: (string | number)[] = [row.name, row.parameters, row.published ? sources.join('; ') : 'measured'];
    for (const cell of cells) {
      const data = [...(cell?.sample ? ['sample'] : []), ...(cell?.subset ? ['subset'] : [])].join(' ');
      out.push(cell?.mean ?? '', cell?.std ?? '', cell?.queries ?? '', data);
    }
    return out;
  });
  const safe = [header, ...records].map((cells) => cells.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell)));
  return stringify(safe, { quoted_match: /^'[=+\-@\t\r]/ });
}
