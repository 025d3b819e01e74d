// Terminal tables with cli-table3. cli-table3 writes colour codes even into a pipe, so styles are on only when
// stdout is a terminal and NO_COLOR is unset (https://no-color.org).
import Table from 'cli-table3';

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
}

/** Renders rows under a header as a boxed terminal table. */
export function renderTable(head: string[], rows: (string | number)[][], colour = useColour()): string {
  const table = new Table({
    head,
    style: colour ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}
