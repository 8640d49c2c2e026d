/** Byte helpers shared by the codec. Uint8Array only: this folder runs without Node's Buffer. */

export const NUL = 0x00;
export const COLON = 0x3a;

const utf8Encoder = new TextEncoder();

/** Bytes of an ASCII/Latin-1 string (version, numbers). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Argument lists reused by latin1Text for short texts (nonces, proofs, message ids: one or two
 * per datagram): apply() on a typed array first copies it into a new list, which costs as much
 * as the call itself; on a plain array of numbers it does not.
 */
const SHORT_TEXT = 64;
const shortArgs: number[][] = Array.from({ length: SHORT_TEXT + 1 }, (_, n) =>
  new Array<number>(n).fill(0),
);

/** Each byte as the code point of the same value (TextDecoder's 'latin1' is windows-1252). */
export function latin1Text(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= SHORT_TEXT) return latin1TextAt(bytes, 0, n);
  // Header fields are a few bytes: apply() on the view is the cheapest way there.
  if (n <= 256) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return out;
}

/**
 * latin1Text of `bytes[start..end)`, at most 64 bytes (a nonce, a proof, an id), read where it
 * lies: the codec makes no view for it (a view is an object of ~100 bytes per field).
 */
export function latin1TextAt(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (!(n >= 0 && n <= SHORT_TEXT)) throw new RangeError(`latin1TextAt: ${n} bytes`);
  const args = shortArgs[n] as number[];
  for (let i = 0; i < n; i++) args[i] = bytes[start + i] as number;
  return String.fromCharCode.apply(null, args);
}

export function utf8Bytes(text: string): Uint8Array {
  // Chat lines are short: a plain loop beats TextEncoder's call overhead below a few hundred
  // characters. Lone surrogates become U+FFFD, exactly as TextEncoder does. The length is
  // counted first so that the bytes are written into their one, exact allocation.
  if (text.length > 256) return utf8Encoder.encode(text);
  const out = new Uint8Array(utf8Length(text));
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[at++] = 0xf0 | (c >> 18);
        out[at++] = 0x80 | ((c >> 12) & 0x3f);
        out[at++] = 0x80 | ((c >> 6) & 0x3f);
        out[at++] = 0x80 | (c & 0x3f);
      } else {
        out[at++] = 0xef;
        out[at++] = 0xbf;
        out[at++] = 0xbd;
      }
    } else {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

/** How many bytes utf8Bytes(text) writes. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** The first `byte` at or after `from`, or -1. (A loop: Buffer's indexOf is a slow call for this.) */
export function indexOfByte(bytes: Uint8Array, byte: number, from = 0): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === byte) return i;
  return -1;
}

/** Whether `bytes` begins with `prefix` (equal arrays when the lengths are equal too). */
export function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Drop trailing NULs (iptux always adds one, IPMsg retries add 64). */
export function trimTrailingNuls(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === NUL) end--;
  return bytes.subarray(0, end);
}

/** Split on every NUL. Trailing NULs must be trimmed first if they are not meaningful. */
export function splitOnNul(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === NUL) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  out.push(bytes.subarray(start));
  return out;
}

/** Replace CRLF (and lone CR) with LF: LF is the wire's line break. */
export function normaliseLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i] ?? 0);
  return btoa(bin);
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A decimal number of at most 16 digits, or -1 when the bytes are anything else (empty, a sign,
 * spaces, letters). Parsed from bytes so that the hot path allocates no strings.
 */
export function parseDecimal(bytes: Uint8Array): number {
  return parseDecimalAt(bytes, 0, bytes.length);
}

/** parseDecimal of bytes[start..end), without making a view of them. */
export function parseDecimalAt(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 16) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
