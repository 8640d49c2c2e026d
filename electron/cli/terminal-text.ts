import { visitCharacters } from '../../shared/model';

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
 * in `C:\Users` or `¯\_(ツ)_/¯`, are left alone. Which characters count is decided in
 * shared/model/unsafe-characters.ts: controls, separators, bidi controls, invisible formats.
 */

/** One field on one line (a nick in an event, a cell of a table): line breaks are escaped too. */
export function terminalField(text: string): string {
  let out = '';
  let backslashes = 0;
  visitCharacters(text, (cp, unsafe) => {
    if (!unsafe && cp === 0x5c) {
      backslashes++;
      return;
    }
    const shown = unsafe ? escapeOf(cp) : String.fromCodePoint(cp);
    // Before an escape of ours or a literal u, the peer's backslashes are doubled.
    out += '\\'.repeat(unsafe || cp === 0x75 ? backslashes * 2 : backslashes) + shown;
    backslashes = 0;
  });
  return out + '\\'.repeat(backslashes);
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
