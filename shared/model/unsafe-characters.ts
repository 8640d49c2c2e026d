/**
 * Characters a peer can put in a name or a text that, shown raw, act instead of being seen:
 *  - C0 and C1 controls and DEL: escape sequences (clear the screen, set the window title, write
 *    the clipboard with OSC 52), the 8-bit CSI U+009B, and line breaks that start a forged line;
 *  - U+2028/U+2029, line and paragraph separators;
 *  - bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9): they reorder what follows, so that
 *    "txt.exe" reads "exe.txt";
 *  - invisible format characters (zero-width space, word joiner, BOM, soft hyphen, fillers, tags):
 *    two names that look the same are not.
 * Emoji keep what they are built with: variation selectors, a zero-width joiner between two
 * pictographs (👨‍👩‍👧), tag characters after a black flag (🏴 subdivision flags).
 */

const FORMAT = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const FORMAT_OR_LONE_SURROGATE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

const ZWJ = 0x200d;
const BLACK_FLAG = 0x1f3f4;

/** Rewrite every unsafe character of `text` (with `replace`), leaving the rest as it is. */
export function replaceUnsafeCharacters(
  text: string,
  replace: (codePoint: number) => string,
): string {
  // Nearly every name and text has none: do not rebuild it then.
  if (!hasCandidate(text)) return text;
  let out = '';
  visitCharacters(text, (cp, unsafe) => {
    out += unsafe ? replace(cp) : String.fromCodePoint(cp);
  });
  return out;
}

/** Every code point of `text` in order, and whether it is unsafe there. */
export function visitCharacters(
  text: string,
  visit: (codePoint: number, unsafe: boolean) => void,
): void {
  const points = Array.from(text, (ch) => ch.codePointAt(0) ?? 0);
  let flagTags = false; // inside the tag characters of a 🏴 subdivision flag
  for (let i = 0; i < points.length; i++) {
    const cp = points[i] ?? 0;
    if (isTag(cp)) {
      flagTags = points[i - 1] === BLACK_FLAG || (flagTags && isTag(points[i - 1]));
      visit(cp, !flagTags);
    } else {
      visit(cp, isUnsafe(cp, points[i - 1], points[i + 1]));
    }
  }
}

/** A peer's name with its unsafe characters removed (names are never shown with them). */
export function stripUnsafeCharacters(text: string): string {
  return replaceUnsafeCharacters(text, () => '');
}

function isUnsafe(cp: number, before: number | undefined, after: number | undefined): boolean {
  if (cp >= 0x20 && cp < 0x7f) return false;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;
  if (cp === 0x2028 || cp === 0x2029) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // a lone surrogate: nothing to show
  const ch = String.fromCodePoint(cp);
  if (!FORMAT.test(ch)) return false;
  if (isVariationSelector(cp)) return false;
  if (cp === ZWJ)
    return !(before !== undefined && after !== undefined && joinsEmoji(before, after));
  return true;
}

function joinsEmoji(before: number, after: number): boolean {
  const emojiEnd =
    PICTOGRAPH.test(String.fromCodePoint(before)) ||
    (before >= 0x1f3fb && before <= 0x1f3ff) || // skin tone
    before === 0xfe0f;
  return emojiEnd && PICTOGRAPH.test(String.fromCodePoint(after));
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

function isTag(cp: number | undefined): boolean {
  return cp !== undefined && cp >= 0xe0020 && cp <= 0xe007f;
}

/** A control, a separator, a lone surrogate or a format character somewhere: look closer. */
function hasCandidate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true;
  }
  return FORMAT_OR_LONE_SURROGATE.test(text);
}
