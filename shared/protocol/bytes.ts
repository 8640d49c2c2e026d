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

/** Each byte as the code point of the same value (TextDecoder's 'latin1' is windows-1252). */
export function latin1Text(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return out;
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
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
  return text.replace(/\r\n?/g, '\n');
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
  if (bytes.length === 0 || bytes.length > 16) return -1;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
