// Terminal tables with cli-table3. Colour is our decision alone: on only when stdout is a terminal and NO_COLOR is
// unset (https://no-color.org). cli-table3's own styles are always off, because it colours through @colors/colors,
// which writes codes into pipes yet also turns itself off when it sees CI, TERM=dumb and the like; instead the header
// cells carry their ANSI codes (cli-table3 measures widths without escape codes).
import Table from 'cli-table3';

const CYAN = '\u001b[36m';
const RESET_FOREGROUND = '\u001b[39m';

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
}

/** Renders rows under a header as a boxed terminal table; with `colour`, the header is cyan. */
export function renderTable(head: string[], rows: (string | number)[][], colour = useColour()): string {
  const table = new Table({
    head: colour ? head.map((cell) => `${CYAN}${cell}${RESET_FOREGROUND}`) : head,
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(row.map(String));
  return table.toString();
}
