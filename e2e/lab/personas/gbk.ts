import iconv from 'iconv-lite';

/**
 * GBK the way the legacy clients meet it. Deliberately independent of Pigeon's own codec
 * (shared/protocol/encoding.ts): the personas must judge Pigeon's bytes by what those clients
 * do, not by what our encoder believes.
 */

export type StrictResult = { ok: true; text: string } | { ok: false };

/**
 * glibc `iconv(GBK -> UTF-8)`: all or nothing. compilelife/feiq `feiqlib/encoding.cpp`
 * (Encoding::convert) returns the input unchanged when iconv fails, so one bad pair anywhere in
 * the buffer keeps the whole buffer as raw bytes. Valid: ASCII, or a lead byte 0x81-0xFE
 * followed by a trail byte 0x40-0x7E / 0x80-0xFE that maps to a character. NUL converts to NUL.
 */
export function decodeGbkStrict(bytes: Uint8Array): StrictResult {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) continue;
    const t = bytes[i + 1];
    if (b === 0x80 || b === 0xff || t === undefined || t < 0x40 || t === 0x7f || t === 0xff) {
      return { ok: false };
    }
    i++;
  }
  const text = iconv.decode(Buffer.from(bytes), 'gbk');
  // A structurally valid pair with no character behind it: iconv-lite says U+FFFD, glibc EILSEQ.
  return text.includes('\uFFFD') ? { ok: false } : { ok: true, text };
}

/**
 * What an ANSI (code page 936) program shows for bytes: every valid pair as its character,
 * every invalid byte as a replacement mark. A GBK-only client has no way to know that the bytes
 * were UTF-8, so it shows mojibake (UTF-8 `鸽子` reads as `楦藉瓙`).
 */
export function decodeGbkLenient(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gbk');
}

/** GBK bytes, or undefined when a character has no GBK code (✓, emoji): iconv's EILSEQ. */
export function encodeGbkStrict(text: string): Uint8Array | undefined {
  const bytes = iconv.encode(text, 'gbk');
  return iconv.decode(bytes, 'gbk') === text ? new Uint8Array(bytes) : undefined;
}

/**
 * WideCharToMultiByte(CP_ACP) with the default character: what cannot be written becomes '?'.
 * A GBK-only client cannot send a character its code page lacks.
 */
export function encodeGbkLossy(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gbk'));
}
