/**
 * The one rule for which characters of a peer's text would be invisible, would reorder the text
 * around them, or would act on a terminal, so that every place that shows peer text (the UI, the
 * shell's notifications, the CLI) and the engine, which strips names on arrival, decide alike.
 * The callers then do their own showing: a marked placeholder in the UI (`bo\u200Bb` cannot pass
 * for "bob", `\u202Egnp.exe` cannot show as "exe.png"), an escape in the CLI
 * (electron/cli/terminal-text.ts, jsonLine in electron/cli/output.ts), nothing in a stored name.
 *
 * Three strictnesses, each flagging everything the one before it flags (tested as a property):
 * - 'text' (message bodies in a UI): only what deceives or hides there. Explicit bidi
 *   embeddings, overrides and isolates (they reorder letters), controls other than tab and line
 *   breaks, and tag characters outside emoji (invisible ASCII look-alikes, "ASCII smuggling").
 *   Zero-width spaces, joiners, LRM/RLM, soft hyphens and variation selectors keep their
 *   typographic jobs (Thai line breaks, Persian and Indic shaping, CJK glyph variants).
 * - 'name' (nicks, groups, user and host names, link text): anything that draws nothing. A name
 *   is an identity, so telling two names apart matters more than typographic niceties: every
 *   control (Cc), every format character (Cf: zero-width spaces and joiners, bidi controls, tag
 *   characters, the soft hyphen...), every Default_Ignorable code point (variation selectors,
 *   Hangul fillers, the combining grapheme joiner), the line/paragraph separators and lone
 *   surrogates. A ZWJ or ZWNJ between letters is flagged even where a script uses it (Persian,
 *   Indic): a mark keeps the name readable, and the letters around a ZWNJ stay apart either way.
 * - 'terminal' (anything the CLI prints): every C0 and C1 control and DEL (escape sequences,
 *   the 8-bit CSI U+009B, line breaks that start a forged line), U+2028/2029, and everything
 *   'name' flags, in message texts too: a terminal has no marks to show a hidden character with,
 *   and it gives every format character zero width. The CLI keeps a text's line breaks by
 *   splitting on them before escaping (terminalLines), not by this rule.
 *
 * In every mode a whole emoji stays as people wrote it: the ZWJ, VS16 and tag characters inside
 * an RGI emoji sequence (a family, a heart, a skin tone, the flag of Scotland) are part of one
 * visible picture.
 *
 * Where the UI's rule (this file) and the CLI's and engine's rule (shared/model/unsafe-characters)
 * disagreed, this is what was decided:
 * - Emoji are the RGI sequences, not "a ZWJ between any two pictographs" and "any tags after a
 *   black flag". Tags after 🏴 that spell no RGI flag draw as a bare black flag with the tags
 *   invisible: a place to smuggle ASCII, and two names that look alike but differ. A ZWJ
 *   between pictographs that no vendor joins draws two pictures, the same as without it.
 * - A variation selector outside an emoji is flagged in names and on a terminal (and kept in a
 *   message text): `bob\uFE0F` draws as "bob", and on a name a Han glyph variant is not worth a
 *   second name that looks like the first. The CLI's escape of one is lossless.
 * - The prepended concatenation marks (the Arabic number sign and its kin, U+0600–0605...) are
 *   format characters that draw a visible sign where text is shaped: kept in names and texts,
 *   flagged on a terminal, which does no shaping and draws them in zero columns.
 * - A lone surrogate (half a character, nothing valid to draw or to write as UTF-8) is flagged
 *   in names and on a terminal; a message text shows it as U+FFFD, which hides nothing.
 *
 * A hidden character is replaced, never kept next to its mark, so a bidi control that is shown
 * no longer acts.
 */

/** How strict to be: see above. */
export type HiddenMode = 'name' | 'text' | 'terminal';

/** The modes a UI reveals text in. */
export type RevealMode = Exclude<HiddenMode, 'terminal'>;

export type RevealedPart =
  { kind: 'text'; text: string } | { kind: 'hidden'; codePoint: number; count: number };

/** Past this many marks in one string the rest become U+FFFD: a hostile 1 MB text stays cheap. */
export const MAX_MARKS = 100;

const NAME_OR_TERMINAL = '[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Default_Ignorable_Code_Point}\\p{Zl}\\p{Zp}]';
const TEXT =
  '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\u{e0000}-\\u{e007f}]';

/** Candidates per mode, emoji and (for names) prepended marks still to be excused. */
const CANDIDATE: Record<HiddenMode, RegExp> = {
  name: new RegExp(NAME_OR_TERMINAL, 'u'),
  text: new RegExp(TEXT, 'u'),
  terminal: new RegExp(NAME_OR_TERMINAL, 'u'),
};
const CANDIDATES: Record<HiddenMode, RegExp> = {
  name: new RegExp(NAME_OR_TERMINAL, 'gu'),
  text: new RegExp(TEXT, 'gu'),
  terminal: new RegExp(NAME_OR_TERMINAL, 'gu'),
};

// Format characters that draw a visible sign where text is shaped (the Arabic number sign...).
const PREPENDED_MARK = /^[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]$/u;
// What an emoji sequence may contain that would otherwise count as hidden.
const EMOJI_PART = /^(?:\u200d|\ufe0f|[\u{e0020}-\u{e007f}])$/u;

let emojiPattern: RegExp | undefined;

/**
 * The shape of an emoji sequence, for engines without `\p{RGI_Emoji}`: a subdivision flag (two
 * letters of region and one to four of subdivision, in tags, as UTS #51 spells them), pictographs
 * (each with a skin tone or VS16) joined by ZWJ, a keycap.
 */
export function fallbackEmojiPattern(): RegExp {
  // The tag flag first: its black flag would otherwise match alone.
  return /\u{1f3f4}[\u{e0061}-\u{e007a}]{2}[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,4}\u{e007f}|\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f)?(?:\u200d\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f)?)*|[#*0-9]\ufe0f\u20e3/gu;
}

/** RGI emoji sequences (a property of strings, `v` flag), or their shape where that is missing. */
function emojiSequences(): RegExp {
  if (emojiPattern) return emojiPattern;
  try {
    emojiPattern = new RegExp('\\p{RGI_Emoji}', 'gv');
  } catch {
    emojiPattern = fallbackEmojiPattern();
  }
  return emojiPattern;
}

/** UTF-16 ranges [start, end) of whole emoji in `text`, inside which nothing is hidden. */
function emojiRanges(text: string): [number, number][] {
  // matchAll works on a copy of the global pattern, so sharing one is safe.
  return [...text.matchAll(emojiSequences())].map((m) => [m.index, m.index + m[0].length]);
}

/** Is this single code point hidden under `mode` (emoji context aside)? */
export function isHiddenChar(char: string, mode: HiddenMode): boolean {
  if (!CANDIDATE[mode].test(char)) return false;
  return mode !== 'name' || !PREPENDED_MARK.test(char);
}

/**
 * Calls `visit` with the UTF-16 index and the code point of each character of `text` that is
 * hidden under `mode`, in order. Text without a candidate costs one scan by a regular
 * expression, and the emoji are looked for only once a candidate could be part of one.
 */
export function forEachHidden(
  text: string,
  mode: HiddenMode,
  visit: (index: number, codePoint: number) => void,
): void {
  if (!CANDIDATE[mode].test(text)) return;
  let emoji: [number, number][] | undefined;
  let e = 0;
  for (const match of text.matchAll(CANDIDATES[mode])) {
    const char = match[0];
    const at = match.index;
    if (mode === 'name' && PREPENDED_MARK.test(char)) continue;
    if (EMOJI_PART.test(char)) {
      emoji ??= emojiRanges(text);
      while (e < emoji.length && (emoji[e] as [number, number])[1] <= at) e++;
      if (e < emoji.length && (emoji[e] as [number, number])[0] <= at) continue;
    }
    visit(at, char.codePointAt(0) as number);
  }
}

/** `text` with each hidden character rewritten by `replace`; the same string when it has none. */
export function replaceHidden(
  text: string,
  mode: HiddenMode,
  replace: (codePoint: number) => string,
): string {
  let out = '';
  let from = 0;
  forEachHidden(text, mode, (at, codePoint) => {
    out += text.slice(from, at) + replace(codePoint);
    from = at + charLength(codePoint);
  });
  // Every hidden character ends past index 0, so from is 0 only when there was none.
  return from === 0 ? text : out + text.slice(from);
}

/** C0 and C1 controls, DEL, and the line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu;

/**
 * A name without control characters: what the engine keeps of the names a peer announces.
 * Only controls go (escape sequences, line breaks: no place in a name, and dangerous in a
 * terminal or a log). Invisible and bidi characters stay on purpose: stripping them would make
 * `bo\u200bb` into a perfect `bob`; kept, the UI shows them marked (`bo⟨U+200B⟩b`) and the CLI
 * escapes them, so a disguised name looks disguised.
 */
export function withoutControls(name: string): string {
  return name.replace(CONTROLS, '');
}

/**
 * A name without its hidden characters, for what must not show them even marked: an avatar's
 * initial.
 */
export function withoutHidden(name: string): string {
  return replaceHidden(name, 'name', () => '');
}

/**
 * `text` as plain runs and hidden characters; consecutive copies of one hidden character become
 * one part with a count.
 */
export function revealHidden(text: string, mode: HiddenMode): RevealedPart[] {
  const parts: RevealedPart[] = [];
  let run = '';
  let marks = 0;
  let from = 0;
  forEachHidden(text, mode, (at, codePoint) => {
    run += text.slice(from, at);
    from = at + charLength(codePoint);
    const last = parts[parts.length - 1];
    if (!run && last?.kind === 'hidden' && last.codePoint === codePoint) {
      last.count++;
      return;
    }
    if (marks >= MAX_MARKS) {
      run += '\ufffd';
      return;
    }
    if (run) parts.push({ kind: 'text', text: run });
    run = '';
    parts.push({ kind: 'hidden', codePoint, count: 1 });
    marks++;
  });
  run += text.slice(from);
  if (run) parts.push({ kind: 'text', text: run });
  return parts;
}

function charLength(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}

/** "U+200B" */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

const SHORT_NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x09: 'TAB',
  0x0a: 'LF',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0xad: 'SHY',
  0x34f: 'CGJ',
  0x61c: 'ALM',
  0x115f: 'HANGUL FILLER',
  0x1160: 'HANGUL FILLER',
  0x180e: 'MVS',
  0x200b: 'ZWSP',
  0x200c: 'ZWNJ',
  0x200d: 'ZWJ',
  0x200e: 'LRM',
  0x200f: 'RLM',
  0x2028: 'LSEP',
  0x2029: 'PSEP',
  0x202a: 'LRE',
  0x202b: 'RLE',
  0x202c: 'PDF',
  0x202d: 'LRO',
  0x202e: 'RLO',
  0x2060: 'WJ',
  0x2066: 'LRI',
  0x2067: 'RLI',
  0x2068: 'FSI',
  0x2069: 'PDI',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZWNBSP',
  0xffa0: 'HANGUL FILLER',
};

/** The usual abbreviation of a hidden character (RLO, ZWSP, VS16, TAG), when it has one. */
export function hiddenCharName(codePoint: number): string | undefined {
  const known = SHORT_NAMES[codePoint];
  if (known) return known;
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return `VS${codePoint - 0xfe00 + 1}`;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return `VS${codePoint - 0xe0100 + 17}`;
  if (codePoint >= 0xe0000 && codePoint <= 0xe007f) return 'TAG';
  return undefined;
}

/** "U+200B" or "U+200B ×3": what a mark shows. */
export function markText(part: { codePoint: number; count: number }): string {
  const code = codePointLabel(part.codePoint);
  return part.count > 1 ? `${code} ×${part.count}` : code;
}

/** `text` with each hidden character written out as ⟨U+XXXX⟩, for places that take no markup. */
export function revealPlain(text: string, mode: RevealMode): string {
  return revealHidden(text, mode)
    .map((p) => (p.kind === 'text' ? p.text : `⟨${markText(p)}⟩`))
    .join('');
}

/** Wraps text in FSI…PDI, the plain-text form of <bdi>: its direction cannot leak out. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * A peer-supplied name for a tooltip, an aria-label, a placeholder or a sentence built by i18n:
 * hidden characters written out, the whole isolated (and nothing at all for an empty name).
 */
export function peerLabel(name: string): string {
  return name ? isolate(revealPlain(name, 'name')) : '';
}
