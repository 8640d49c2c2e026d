import type { WireEncoding } from '../model/peer';
import { decodeText } from './encoding';
import { canEncode, type LegacyCodePage } from './repertoire';

/**
 * UTF-8 or the legacy code page, for a datagram without UTF8OPT from a peer that writes a legacy
 * code page (FeiQ, and peers we know as GBK, GB18030 or CP932).
 *
 * Why: the FeiQ-dialect client writes GBK, but sends a text as raw UTF-8, without UTF8OPT, when
 * it holds a character GBK lacks (✓, emoji). Validity cannot tell the two apart: UTF-8 `完成✓了`
 * and `👍` are valid GBK (`👍` is byte for byte the GBK of `馃憤`), and the GBK of `谢谢` (D0 BB
 * D0 BB, "лл") and of `一` (D2 BB, "һ") is valid UTF-8.
 *
 * The rule: read the bytes as UTF-8 only when
 *  1. they are valid UTF-8;
 *  2. the UTF-8 reading holds at least one character the code page cannot write (otherwise the
 *     sender had no reason to leave its code page), and every such character is one people do
 *     reach for when their code page lacks it: a pictograph or emoji (with its joiners,
 *     modifiers, keycaps, flags and tags), a dingbat such as ✓ (U+2700–27BF), or general
 *     punctuation such as • (U+2010–205E). All of them are 3- or 4-byte sequences: a legacy
 *     text misread as UTF-8 is mostly 2-byte sequences (Cyrillic, Latin, Arabic...), so `谢谢`
 *     and `一` never qualify;
 *  3. the UTF-8 reading holds no C1 control, private-use or unassigned code point (misread
 *     legacy text often does, typed text does not).
 * Otherwise the code page, unless it cannot decode the bytes at all while UTF-8 can: then
 * UTF-8 is the only reading left.
 *
 * How often legacy text is misread as UTF-8 (build/bench/legacy-misread.ts, 10^6 random texts
 * each; legacy-or-utf8.test.ts holds CI to bounds well above these):
 *  - everyday Chinese (GB2312 hanzi, ASCII, full-width punctuation) as GBK: 0 in 10^6;
 *  - any of the 20,902 GBK ideographs, uniformly, as GBK: 1–4 in 10^6 for 1–10 characters,
 *    about 35 in 10^6 for exactly 2 (the worst length);
 *  - Japanese (kanji, kana) as CP932: about 20 in 10^6 for 1–10 characters, about 240 in 10^6
 *    for exactly 2 (two runs each).
 * Before this rule FeiQ was always GBK, and other legacy peers were UTF-8 whenever the bytes
 * were valid UTF-8 with a high byte: that misread 9–14% of single GBK hanzi and 2.3% of
 * two-character CP932 texts. The misreads left are a legacy character whose bytes begin a
 * symbol followed by an ASCII-range trail byte (`鈿杒` GBK = E2 9A 96 6B = "⚖k", `笨吉` CP932 =
 * "✋g"), or two characters that are an emoji byte for byte (`馃憤` = `👍`): no rule on bytes
 * alone can tell those apart.
 *
 * What it gives up: a FeiQ text whose only GBK-less characters are letters (Korean, `ß`) or
 * rare CJK ideographs is read as GBK, as before this rule (unless GBK cannot decode it). A peer
 * that writes UTF-8 without any flag, and that we know as a legacy peer, is read as legacy
 * unless its text gives a reason above; no client we know does that (IPMsg sets UTF8OPT, iptux
 * and Pigeon are recognised by their version field).
 */

export type LegacyEncoding = Exclude<WireEncoding, 'utf-8'>;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** What misread legacy text is full of, and typed text never holds. */
const IMPLAUSIBLE = /[\u0080-\u009f\p{Co}\p{Cn}]/u;

const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const PUNCTUATION = /\p{P}/u;

export function legacyOrUtf8(bytes: Uint8Array, legacy: LegacyEncoding): WireEncoding {
  if (!hasHighByte(bytes)) return legacy;
  const text = strictUtf8(bytes);
  if (text === undefined) return legacy;
  if (isCodePageFallback(text, codePageOf(legacy))) return 'utf-8';
  return decodeText(bytes, legacy).ok ? legacy : 'utf-8';
}

/** Would a sender limited to this code page have had to write this text in UTF-8? */
export function isCodePageFallback(text: string, codePage: LegacyCodePage): boolean {
  if (IMPLAUSIBLE.test(text)) return false;
  let reason = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (canEncode(cp, codePage)) continue;
    if (!isFallbackCharacter(ch, cp)) return false;
    reason = true;
  }
  return reason;
}

/** One of the characters people leave their code page for (all 3- or 4-byte in UTF-8). */
function isFallbackCharacter(ch: string, cp: number): boolean {
  if (cp < 0x2000) return false;
  if (cp >= 0x2700 && cp <= 0x27bf) return true; // dingbats: ✓ ✗ ❤ ➡
  if (cp >= 0x2010 && cp <= 0x205e && PUNCTUATION.test(ch)) return true; // • ‣ ‼
  if (isEmojiPart(cp)) return true;
  return PICTOGRAPH.test(ch);
}

/** Joiner, keycap, emoji presentation, regional indicators (flags), skin tones, tags. */
function isEmojiPart(cp: number): boolean {
  return (
    cp === 0x200d ||
    cp === 0x20e3 ||
    cp === 0xfe0f ||
    (cp >= 0x1f1e6 && cp <= 0x1f1ff) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    (cp >= 0xe0020 && cp <= 0xe007f)
  );
}

/** GB18030 peers are GBK writers as far as we know (FeiQ, Chinese IPMsg builds). */
function codePageOf(legacy: LegacyEncoding): LegacyCodePage {
  return legacy === 'cp932' ? 'cp932' : 'gbk';
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasHighByte(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}
