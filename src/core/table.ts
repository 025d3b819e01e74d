// Terminal tables: a boxed grid with a header, drawn with the same box characters and one space of padding as
// cli-table3's default style. Written here rather than taken from cli-table3 because drawing a first table through it
// cost about 25 ms of the `flamingo-eval tasks` start-up (its width measurement loads and warms up several modules),
// a sixth of the command's wall time; a fixed grid of short cells needs none of its wrapping or spanning.
// Colour is our decision alone: on only when the stream is a terminal and NO_COLOR is unset (https://no-color.org);
// then the header cells are cyan.

const CYAN = '\u001b[36m';
const RESET_FOREGROUND = '\u001b[39m';
const ANSI = /\u001b\[[0-9;]*m/g;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined;
}

/** Columns a character takes on a terminal: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(code: number): number {
  if ((code >= 0x300 && code <= 0x36f) || code === 0x200b || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The width of a line of text on a terminal, without its colour codes. */
export function displayWidth(text: string): number {
  // Printable ASCII, nearly every cell: one column a character.
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const char of text.replace(ANSI, '')) width += charWidth(char.codePointAt(0)!);
  return width;
}

/** Renders rows under a header as a boxed terminal table; with `colour`, the header is cyan. */
export function renderTable(head: string[], rows: (string | number)[][], colour = useColour()): string {
  const grid = [head, ...rows.map((row) => row.map(String))].map((row) => row.map((cell) => cell.split('\n')));
  const columns = Math.max(...grid.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(0, ...grid.map((row) => Math.max(0, ...(row[c] ?? ['']).map(displayWidth)))),
  );
  const rule = (left: string, middle: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right;
  const lines = [rule('┌', '┬', '┐')];
  grid.forEach((row, r) => {
    if (r > 0) lines.push(rule('├', '┼', '┤'));
    const height = Math.max(1, ...row.map((cell) => cell.length));
    for (let i = 0; i < height; i++) {
      const cells = widths.map((w, c) => {
        const text = row[c]?.[i] ?? '';
        const shown = colour && r === 0 && text !== '' ? `${CYAN}${text}${RESET_FOREGROUND}` : text;
        return ` ${shown}${' '.repeat(w - displayWidth(text))} `;
      });
      lines.push(`│${cells.join('│')}│`);
    }
  });
  lines.push(rule('└', '┴', '┘'));
  return lines.join('\n');
}
