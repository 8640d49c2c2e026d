import { COLON } from './bytes';

/**
 * Fields of the file-transfer codecs, read in place from bytes (internal: index.ts does not
 * export this file). Peers pad numbers (iptux writes sizes as `%.9jx`, IPMsg as `%x%08x`), so
 * leading zeros are allowed; anything that is not a non-negative safe integer is refused with
 * -1, so a hostile field can never become a negative or imprecise number.
 */

/** Value of one hex digit byte (either case), or -1. */
export function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/** Hex digits of bytes[start..end) as a safe integer, or -1 (empty, a non-digit, too big). */
export function parseHexAt(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = hexDigit(bytes[i] ?? 0);
    if (d < 0) return -1;
    n = n * 16 + d;
    // Checked per digit: a run of thousands of 'f's must not reach Infinity first.
    if (n > Number.MAX_SAFE_INTEGER) return -1;
  }
  return n;
}

/** Decimal digits of bytes[start..end) as a safe integer, or -1. */
export function parseDecAt(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
    if (n > Number.MAX_SAFE_INTEGER) return -1;
  }
  return n;
}

/** Whether every byte of bytes[start..end) is a decimal digit (false when empty). */
export function allDecimalAt(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b < 0x30 || b > 0x39) return false;
  }
  return true;
}

/** A non-negative safe integer, for the builders: a caller bug must not reach the wire. */
export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/**
 * The name field from `from`: `::` is an escaped ':', a single ':' ends it. Returns the
 * unescaped bytes (a copy: the datagram is not kept alive) and the index of the ending ':'
 * (`end` when there is none). Pairs are taken left to right, as IPMsg's ConvertShareMsgEscape
 * and iptux's ipmsg_get_filename do, so `a:::5` is the name `a:` followed by the field `5`.
 */
export function readName(
  bytes: Uint8Array,
  from: number,
  end: number,
): { bytes: Uint8Array; end: number } {
  let i = from;
  let escapes = 0;
  while (i < end) {
    if (bytes[i] === COLON) {
      if (i + 1 < end && bytes[i + 1] === COLON) {
        escapes++;
        i += 2;
        continue;
      }
      break;
    }
    i++;
  }
  if (escapes === 0) return { bytes: bytes.slice(from, i), end: i };
  const out = new Uint8Array(i - from - escapes);
  let at = 0;
  for (let j = from; j < i; j++) {
    out[at++] = bytes[j] ?? 0;
    if (bytes[j] === COLON) j++;
  }
  return { bytes: out, end: i };
}
