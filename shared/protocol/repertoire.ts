import iconv from 'iconv-lite';

/**
 * Which characters a legacy code page can write. Asked per character of a received text, so it
 * is a table (one bit per BMP code point, 8 KiB), built on first use from the code page itself:
 * every character some one- or two-byte sequence decodes to. GBK and CP932 have no longer
 * sequences and nothing outside the BMP.
 */

export type LegacyCodePage = 'gbk' | 'cp932';

const tables = new Map<LegacyCodePage, Uint8Array>();

export function canEncode(codePoint: number, codePage: LegacyCodePage): boolean {
  if (codePoint < 0x80) return true;
  if (codePoint > 0xffff) return false;
  const table = tables.get(codePage) ?? build(codePage);
  return ((table[codePoint >> 3] ?? 0) & (1 << (codePoint & 7))) !== 0;
}

function build(codePage: LegacyCodePage): Uint8Array {
  // One decode of every sequence, each followed by a line feed: the pieces between line feeds
  // line up with the sequences, and an invalid pair (U+FFFD) cannot swallow its neighbour.
  const sequences: number[] = [];
  for (let b = 0x80; b <= 0xff; b++) sequences.push(b, 0x0a);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) sequences.push(lead, trail, 0x0a);
  }
  const table = new Uint8Array(0x10000 >> 3);
  for (const piece of iconv.decode(Uint8Array.from(sequences) as Buffer, codePage).split('\n')) {
    if (piece.length !== 1 || piece === '\uFFFD') continue;
    const cp = piece.charCodeAt(0);
    // CP932's user-defined rows decode to private-use characters that iconv-lite does not
    // encode back: only what survives a round trip counts.
    if (cp >= 0xe000 && cp <= 0xf8ff && !roundTrips(piece, codePage)) continue;
    table[cp >> 3] = (table[cp >> 3] ?? 0) | (1 << (cp & 7));
  }
  tables.set(codePage, table);
  return table;
}

function roundTrips(character: string, codePage: LegacyCodePage): boolean {
  return iconv.decode(iconv.encode(character, codePage), codePage) === character;
}
