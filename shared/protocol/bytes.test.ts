import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  fromBase64,
  latin1Bytes,
  latin1Text,
  latin1TextAt,
  normaliseLineBreaks,
  splitOnNul,
  toBase64,
  trimTrailingNuls,
  utf8Bytes,
} from './bytes';

const arr = (u: Uint8Array) => Array.from(u);

describe('byte helpers', () => {
  it('trimTrailingNuls drops one, many (IPMsg retry padding) or none', () => {
    expect(arr(trimTrailingNuls(new Uint8Array([0x61, 0])))).toEqual([0x61]);
    expect(
      arr(trimTrailingNuls(new Uint8Array([0x61, 0, 0x62, ...new Array(64).fill(0)]))),
    ).toEqual([0x61, 0, 0x62]);
    expect(arr(trimTrailingNuls(new Uint8Array([0x61])))).toEqual([0x61]);
    expect(arr(trimTrailingNuls(new Uint8Array([0, 0])))).toEqual([]);
    expect(arr(trimTrailingNuls(new Uint8Array()))).toEqual([]);
  });

  it('splitOnNul keeps empty sections', () => {
    const parts = splitOnNul(new Uint8Array([0x61, 0, 0, 0x62]));
    expect(parts.map(arr)).toEqual([[0x61], [], [0x62]]);
    expect(splitOnNul(new Uint8Array()).map(arr)).toEqual([[]]);
  });

  it('normaliseLineBreaks turns CRLF and lone CR into LF and leaves LF alone', () => {
    expect(normaliseLineBreaks('a\r\nb\rc\nd\r\n\r\n')).toBe('a\nb\nc\nd\n\n');
    expect(normaliseLineBreaks('\r\r\n')).toBe('\n\n');
    expect(normaliseLineBreaks('no breaks')).toBe('no breaks');
  });

  it('base64 round-trips every byte value', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(arr(fromBase64(toBase64(all)))).toEqual(arr(all));
    expect(toBase64(new Uint8Array([0xff, 0x00, 0x80]))).toBe(
      Buffer.from([0xff, 0, 0x80]).toString('base64'),
    );
  });

  it('latin1 round-trips every byte value', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(arr(latin1Bytes(latin1Text(all)))).toEqual(arr(all));
  });

  it('latin1TextAt reads a range in place, up to 64 bytes', () => {
    const bytes = latin1Bytes('xxPGID:abc\xff\0yy');
    expect(latin1TextAt(bytes, 7, 11)).toBe('abc\xff');
    expect(latin1TextAt(bytes, 3, 3)).toBe('');
    const long = new Uint8Array(80).fill(0x61);
    expect(latin1TextAt(long, 10, 74)).toBe('a'.repeat(64));
    expect(() => latin1TextAt(long, 0, 65)).toThrow(RangeError);
    expect(() => latin1TextAt(long, 5, 4)).toThrow(RangeError);
  });

  it('concatBytes and utf8Bytes', () => {
    expect(arr(concatBytes([utf8Bytes('你'), new Uint8Array([0]), latin1Bytes('a')]))).toEqual([
      0xe4, 0xbd, 0xa0, 0, 0x61,
    ]);
  });
});
