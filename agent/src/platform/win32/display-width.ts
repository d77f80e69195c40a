// Terminal cell width of text: tables padded for a console (winget) count East Asian wide characters as two cells.

/** Wide and fullwidth ranges of Unicode's East Asian Width (UAX #11), the ones console tables meet. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

export function charWidth(codePoint: number): number {
  if (codePoint < 0x1100) return 1;
  return WIDE.some(([from, to]) => codePoint >= from && codePoint <= to) ? 2 : 1;
}

/** Splits a line at display columns: `cells(line, [0, 41, 82])` gives the text of each column, untrimmed. */
export function cutAtColumns(line: string, starts: readonly number[]): string[] {
  const cells = starts.map(() => "");
  let column = 0;
  let cell = -1;
  for (const ch of line) {
    while (cell + 1 < starts.length && column >= (starts[cell + 1] as number)) cell++;
    if (cell >= 0) cells[cell] += ch;
    column += charWidth(ch.codePointAt(0) as number);
  }
  return cells;
}

/** The display column at which each whitespace-separated token of a line starts. */
export function tokenColumns(line: string): { text: string; column: number }[] {
  const tokens: { text: string; column: number }[] = [];
  let column = 0;
  let current: { text: string; column: number } | undefined;
  for (const ch of line) {
    if (/\s/.test(ch)) current = undefined;
    else if (current === undefined) {
      current = { text: ch, column };
      tokens.push(current);
    } else current.text += ch;
    column += charWidth(ch.codePointAt(0) as number);
  }
  return tokens;
}
