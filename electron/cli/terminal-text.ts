import { forEachHidden } from '../../shared/text/hidden-chars';

/**
 * Peer-supplied strings made safe to print for people. A peer controls its nick, group, user,
 * host, version and every text it sends: printed raw, an ESC or C1 sequence clears the screen,
 * retitles the window or writes the clipboard (OSC 52), a bidi control reorders the line, and a
 * line break starts a line that can pass for one of our own events.
 *
 * Each such character is shown as a JSON-style escape, `\u001b` (`\u{e0001}` beyond the BMP):
 * readable, and what `--json` prints for the same character. It stays unambiguous because a run
 * of backslashes the peer sent is doubled where it stands before a `u` or before an escape we
 * write, so an odd run of backslashes before `u` always ends in ours. Ordinary backslashes, as
 * in `C:\Users` or `¯\_(ツ)_/¯`, are left alone. Which characters count is decided by the one
 * rule for peer text, shared/text/hidden-chars.ts in its 'terminal' mode: controls, separators,
 * bidi controls, invisible formats, lone surrogates; whole emoji are printed as they are.
 */

/** One field on one line (a nick in an event, a cell of a table): line breaks are escaped too. */
export function terminalField(text: string): string {
  let out = '';
  let from = 0;
  forEachHidden(text, 'terminal', (at, codePoint) => {
    out += plainRun(text.slice(from, at), true) + escapeOf(codePoint);
    from = at + (codePoint > 0xffff ? 2 : 1);
  });
  return out + plainRun(text.slice(from), false);
}

/**
 * Text between escapes: a peer's run of backslashes is doubled before a literal u, and at the
 * end when our escape follows. One pass, no backtracking: a peer may send a megabyte of them.
 */
function plainRun(run: string, beforeEscape: boolean): string {
  let out = '';
  let from = 0;
  let start = run.indexOf('\\');
  while (start !== -1) {
    let end = start;
    while (run.charCodeAt(end) === 0x5c) end++;
    if (end === run.length ? beforeEscape : run.charCodeAt(end) === 0x75) {
      out += run.slice(from, end) + run.slice(start, end);
      from = end;
    }
    start = run.indexOf('\\', end);
  }
  return from === 0 ? run : out + run.slice(from);
}

/**
 * A peer's multi-line text: its line breaks stay, and each line after the first starts with
 * `indent`, so none of them begins where our own lines begin.
 */
export function terminalLines(text: string, indent: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(terminalField)
    .join(`\n${indent}`);
}

function escapeOf(codePoint: number): string {
  const hex = codePoint.toString(16);
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}
