import { replaceHidden } from '../../shared/text/hidden-chars';
import { terminalLines } from './terminal-text';

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

/** Every `--json` line goes out through here. */
export function printJson(value: unknown): void {
  process.stdout.write(`${jsonLine(value)}\n`);
}

/**
 * JSON on one line, with what JSON.stringify leaves raw escaped as \uXXXX: DEL, the C1 controls
 * (U+009B is a CSI to many terminals), U+2028/U+2029, bidi controls and the other invisible
 * format characters, as the one rule for peer text decides for a terminal (shared/text/
 * hidden-chars.ts, 'terminal'; whole emoji stay as written). Peers put them in names and texts,
 * and `pigeon serve --json | cat` would otherwise hand them to the terminal. Outside strings
 * JSON is ASCII, so an escape can only land inside a string, where \u is valid, and JSON.parse
 * gives back exactly the same value.
 */
export function jsonLine(value: unknown): string {
  return replaceHidden(JSON.stringify(value) ?? 'null', 'terminal', (codePoint) => {
    const ch = String.fromCodePoint(codePoint);
    let out = '';
    for (let i = 0; i < ch.length; i++)
      out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

/** Errors and notes may quote a peer (a handler's error, a delivery reason): escaped as such. */
export function printError(message: string): void {
  process.stderr.write(`${paint('pigeon:', 'red', 'err')} ${terminalLines(message, '  ')}\n`);
}

export function printInfo(message: string): void {
  process.stderr.write(`${paint(terminalLines(message, '  '), 'dim', 'err')}\n`);
}
