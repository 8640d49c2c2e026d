import iconv from 'iconv-lite';
import type { WireEncoding } from '../model/peer';
import { codePointLabel } from '../text/hidden-chars';
import { startsWithBytes, utf8Bytes } from './bytes';

/**
 * Text <-> bytes for the encodings the IPMsg family uses. Decoding is strict: a body that is not
 * valid in the chosen encoding is reported, so the engine can keep its raw bytes and mark it,
 * instead of showing mojibake. Encoding is strict too: a character the peer's encoding cannot
 * represent is an error before sending, never a silent '?'. Which encoding a received datagram
 * is in is decided elsewhere: receiveEncoding (dialect.ts), and legacyOrUtf8 for legacy peers.
 */

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const REPLACEMENT = '\uFFFD';

export type TextDecodeResult = { ok: true; text: string } | { ok: false; reason: string };
export type TextEncodeResult =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: string; character: string; index: number };

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeText(bytes: Uint8Array, encoding: WireEncoding): TextDecodeResult {
  if (encoding === 'utf-8') {
    try {
      return { ok: true, text: utf8Strict.decode(bytes) };
    } catch {
      return { ok: false, reason: 'not valid UTF-8' };
    }
  }
  const text = iconv.decode(bytes as Buffer, encoding);
  // iconv-lite substitutes U+FFFD for byte sequences that are invalid in the code page. GB18030
  // can also carry a genuine U+FFFD: that one survives re-encoding, a substituted one does not.
  if (text.includes(REPLACEMENT) && !sameBytes(iconv.encode(text, encoding), bytes)) {
    return { ok: false, reason: `not valid ${encoding.toUpperCase()}` };
  }
  return { ok: true, text };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWithBytes(a, b);
}

/** Lenient decode for names and diagnostics, where a marker is better than nothing. */
export function decodeLenient(bytes: Uint8Array, encoding: WireEncoding): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  return iconv.decode(bytes as Buffer, encoding);
}

export function encodeText(text: string, encoding: WireEncoding): TextEncodeResult {
  if (encoding === 'utf-8') {
    return { ok: true, bytes: utf8Bytes(text) };
  }
  const bytes = new Uint8Array(iconv.encode(text, encoding));
  // GB18030 covers all of Unicode; GBK and CP932 do not. A round trip finds what was lost.
  if (encoding !== 'gb18030') {
    const back = iconv.decode(bytes as Buffer, encoding);
    if (back !== text) {
      const bad = firstUnrepresentable(text, encoding);
      return {
        ok: false,
        reason: `${encoding.toUpperCase()} cannot represent ${JSON.stringify(bad.character)} (${codePointLabel(bad.character.codePointAt(0) ?? 0)})`,
        character: bad.character,
        index: bad.index,
      };
    }
  }
  return { ok: true, bytes };
}

function firstUnrepresentable(
  text: string,
  encoding: WireEncoding,
): { character: string; index: number } {
  let index = 0;
  for (const ch of text) {
    const round = iconv.decode(iconv.encode(ch, encoding), encoding);
    if (round !== ch) return { character: ch, index };
    index += ch.length;
  }
  return { character: '', index: -1 };
}

/** Normalise an encoding name a peer sent (iptux's 4th entry field) to one we speak. */
export function parseEncodingName(name: string): WireEncoding | undefined {
  const n = name.trim().toLowerCase().replace(/_/g, '-');
  if (n === 'utf-8' || n === 'utf8') return 'utf-8';
  if (n === 'gb18030') return 'gb18030';
  if (n === 'gbk' || n === 'gb2312' || n === 'cp936' || n === 'euc-cn') return 'gbk';
  if (
    n === 'cp932' ||
    n === 'shift-jis' ||
    n === 'sjis' ||
    n === 'shift_jis' ||
    n === 'windows-31j'
  ) {
    return 'cp932';
  }
  return undefined;
}
