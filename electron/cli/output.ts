/** Human and JSON output for the CLI: colour only on a TTY, aligned columns, one-line errors. */

const useColour = () => process.stdout.isTTY === true && !process.env.NO_COLOR;
const useColourErr = () => process.stderr.isTTY === true && !process.env.NO_COLOR;

const codes = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, cyan: 36 } as const;
export type Colour = keyof typeof codes;

export function paint(text: string, colour: Colour, stream: 'out' | 'err' = 'out'): string {
  const on = stream === 'out' ? useColour() : useColourErr();
  return on ? `\x1b[${codes[colour]}m${text}\x1b[0m` : text;
}

/** Display width: CJK and other wide characters take two columns. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    w +=
      cp >= 0x1100 &&
      (cp <= 0x115f ||
        (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) ||
        (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) ||
        (cp >= 0x1f300 && cp <= 0x1faff) ||
        (cp >= 0x20000 && cp <= 0x3fffd))
        ? 2
        : 1;
  }
  return w;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - displayWidth(c)),
      )
      .join('  ');
  return [paint(line(headers), 'bold'), ...rows.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printError(message: string): void {
  process.stderr.write(`${paint('pigeon:', 'red', 'err')} ${message}\n`);
}

export function printInfo(message: string): void {
  process.stderr.write(`${paint(message, 'dim', 'err')}\n`);
}
