import iconv from 'iconv-lite';
import { canEncode } from '../repertoire';

/**
 * Characters to build random legacy texts from, for the tests and the measurement of how often
 * legacyOrUtf8 misreads legacy text as UTF-8 (build/bench/legacy-misread.ts).
 */

/** The 20,902 CJK ideographs GBK can write (all of U+4E00–U+9FA5). */
export const GBK_IDEOGRAPHS: readonly string[] = range(0x4e00, 0x9fff).filter((c) =>
  canEncode(c.codePointAt(0) ?? 0, 'gbk'),
);

/** GB2312's 6,763 hanzi (rows B0–F7): what everyday Chinese text is made of. */
export const GB2312_HANZI: readonly string[] = twoByte('gbk', 0xb0, 0xf7, 0xa1, 0xfe);

/** Everyday Chinese punctuation and ASCII, to mix into GB2312 text. */
export const CHINESE_FILLERS: readonly string[] = [
  ...'，。！？：；、“”（）《》…—',
  ' ',
  'a',
  'Z',
  '1',
  '\n',
];

/** Japanese as CP932 writes it: JIS level 1 and 2 kanji, hiragana, katakana. */
export const CP932_JAPANESE: readonly string[] = [
  ...twoByte('cp932', 0x81, 0x9f, 0x40, 0xfc),
  ...twoByte('cp932', 0xe0, 0xea, 0x40, 0xfc),
].filter((c) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(c));

/** What a GBK writer sends as UTF-8 because GBK lacks it. */
export const GBK_LACKS: readonly string[] = [
  ...'✓✔✗✘❤❗❓✨➡™•‣⁉‼',
  ...'👍👌😀😂🙏🎉🔥🤔🥲🫠🀄',
  '❤\uFE0F',
  '👍🏽',
  '👨\u200D👩\u200D👧',
  '🇨🇳',
  '1\uFE0F\u20E3',
];

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let c = from; c <= to; c++) out.push(String.fromCodePoint(c));
  return out;
}

function twoByte(
  codePage: 'gbk' | 'cp932',
  leadFrom: number,
  leadTo: number,
  trailFrom: number,
  trailTo: number,
): string[] {
  const out: string[] = [];
  for (let lead = leadFrom; lead <= leadTo; lead++) {
    for (let trail = trailFrom; trail <= trailTo; trail++) {
      const c = iconv.decode(Uint8Array.of(lead, trail) as Buffer, codePage);
      if (c.length === 1 && c !== '\uFFFD') out.push(c);
    }
  }
  return out;
}
