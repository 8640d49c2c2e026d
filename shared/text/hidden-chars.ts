/**
 * Which characters of a peer's text would be invisible, or would reorder the text around them,
 * so the UI (and the shell's notifications) can show each one as a marked placeholder instead of letting it disguise a name
 * (`bo\u200Bb` passing for "bob", `\u202Egnp.exe` showing as "exe.png").
 *
 * Two strictnesses:
 * - 'name' (nicks, groups, user and host names, link text): anything that draws nothing. A name
 *   is an identity, so telling two names apart matters more than typographic niceties: every
 *   control (Cc), every format character (Cf: zero-width spaces and joiners, bidi controls, tag
 *   characters, the soft hyphen...), every Default_Ignorable code point (variation selectors,
 *   Hangul fillers, the combining grapheme joiner) and the line/paragraph separators. The one
 *   exception is a whole emoji: the ZWJ, VS16 and tag characters inside an RGI emoji sequence
 *   (a family, a heart, the flag of Scotland) are part of one visible picture, so a nick with
 *   emoji stays as people wrote it. A ZWJ or ZWNJ between letters is flagged even where a script
 *   uses it (Persian, Indic): the mark keeps the name readable, and the letters around a ZWNJ
 *   stay apart either way. Variation selectors after ordinary letters or Han are flagged for the
 *   same reason: they change no letter, only (at most) a glyph's shape.
 * - 'text' (message bodies): only what deceives or hides there. Explicit bidi embeddings,
 *   overrides and isolates (they reorder letters), controls other than tab and line breaks, and
 *   tag characters outside emoji (invisible ASCII look-alikes, "ASCII smuggling"). Zero-width
 *   spaces, joiners, LRM/RLM, soft hyphens and variation selectors keep their typographic jobs
 *   (Thai line breaks, Persian and Indic shaping, emoji ZWJ sequences, CJK glyph variants).
 *
 * A hidden character is replaced, never kept next to its mark, so a bidi control that is shown
 * no longer acts.
 */
export type RevealMode = 'name' | 'text';

export type RevealedPart =
  { kind: 'text'; text: string } | { kind: 'hidden'; codePoint: number; count: number };

/** Past this many marks in one string the rest become U+FFFD: a hostile 1 MB text stays cheap. */
export const MAX_MARKS = 100;

// Format characters that draw a visible sign (the Arabic number sign and its kin).
const PREPENDED_MARK = /^[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}]$/u;
const NAME_HIDDEN = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/u;
const TEXT_HIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/u;
// What an emoji sequence may contain that would otherwise count as hidden.
const EMOJI_PART = /\u200d|\ufe0e|\ufe0f|[\u{e0020}-\u{e007f}]/u;

let emojiPattern: RegExp | undefined;

/**
 * The shape of an emoji sequence, for engines without `\p{RGI_Emoji}`: a tag flag, pictographs
 * (each with a skin tone or VS16) joined by ZWJ, a keycap.
 */
export function fallbackEmojiPattern(): RegExp {
  // The tag flag first: its black flag would otherwise match alone.
  return /\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}|\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f)?(?:\u200d\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f)?)*|[#*0-9]\ufe0f\u20e3/gu;
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
  if (!EMOJI_PART.test(text)) return [];
  // matchAll works on a copy of the global pattern, so sharing one is safe.
  return [...text.matchAll(emojiSequences())].map((m) => [m.index, m.index + m[0].length]);
}

/** Is this single code point hidden under `mode` (emoji context aside)? */
export function isHiddenChar(char: string, mode: RevealMode): boolean {
  if (mode === 'text') return TEXT_HIDDEN.test(char);
  return NAME_HIDDEN.test(char) && !PREPENDED_MARK.test(char);
}

/**
 * `text` as plain runs and hidden characters; consecutive copies of one hidden character become
 * one part with a count.
 */
export function revealHidden(text: string, mode: RevealMode): RevealedPart[] {
  if (!(mode === 'text' ? TEXT_HIDDEN : NAME_HIDDEN).test(text)) {
    return text ? [{ kind: 'text', text }] : [];
  }
  const emoji = emojiRanges(text);
  const parts: RevealedPart[] = [];
  let run = '';
  let marks = 0;
  let e = 0;
  let i = 0;
  for (const char of text) {
    const at = i;
    i += char.length;
    while (e < emoji.length && (emoji[e] as [number, number])[1] <= at) e++;
    const inEmoji = e < emoji.length && (emoji[e] as [number, number])[0] <= at;
    if (inEmoji || !isHiddenChar(char, mode)) {
      run += char;
      continue;
    }
    const codePoint = char.codePointAt(0) as number;
    const last = parts[parts.length - 1];
    if (!run && last?.kind === 'hidden' && last.codePoint === codePoint) {
      last.count++;
      continue;
    }
    if (marks >= MAX_MARKS) {
      run += '\ufffd';
      continue;
    }
    if (run) parts.push({ kind: 'text', text: run });
    run = '';
    parts.push({ kind: 'hidden', codePoint, count: 1 });
    marks++;
  }
  if (run) parts.push({ kind: 'text', text: run });
  return parts;
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

/** The name without its hidden characters (for an avatar's initial, never for identity). */
export function withoutHidden(name: string): string {
  return revealHidden(name, 'name')
    .map((p) => (p.kind === 'text' ? p.text : ''))
    .join('');
}
