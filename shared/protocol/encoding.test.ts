import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeLenient, decodeText, encodeText, isValidUtf8, parseEncodingName } from './encoding';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
const u8 = (...bytes: number[]) => new Uint8Array(bytes);

describe('encodeText / decodeText round trips', () => {
  const samples: [string, 'utf-8' | 'gbk' | 'gb18030' | 'cp932'][] = [
    ['hello, world', 'utf-8'],
    ['你好，世界！鸽子传书', 'utf-8'],
    ['emoji 😀 and 𠀋 (astral)', 'utf-8'],
    ['你好，世界！鸽子传书', 'gbk'],
    ['繁體中文 測試', 'gbk'],
    ['你好 😀 𠀋 한국어 日本語', 'gb18030'],
    ['こんにちは、世界。カタカナ ﾊﾝｶｸ 漢字', 'cp932'],
    ['①②③ ～ ￥', 'cp932'],
    ['', 'gbk'],
    ['line1\nline2\n', 'cp932'],
  ];
  it.each(samples)('%j survives %s', (text, encoding) => {
    const e = encodeText(text, encoding);
    expect(e.ok).toBe(true);
    if (!e.ok) return;
    const d = decodeText(e.bytes, encoding);
    expect(d).toEqual({ ok: true, text });
  });

  it('writes the byte sequences the other clients use', () => {
    const check = (
      text: string,
      encoding: 'utf-8' | 'gbk' | 'gb18030' | 'cp932',
      expected: string,
    ) => {
      const e = encodeText(text, encoding);
      expect(e.ok && hex(e.bytes)).toBe(expected);
    };
    check('你好', 'utf-8', 'e4bda0e5a5bd');
    check('你好', 'gbk', 'c4e3bac3');
    check('你好', 'gb18030', 'c4e3bac3');
    check('😀', 'gb18030', '9439fc36');
    check('日本', 'cp932', '93fa967b');
    check('あ', 'cp932', '82a0');
  });

  it('decodes GBK, GB18030 and CP932 bytes from the wire', () => {
    expect(decodeText(u8(0xc4, 0xe3, 0xba, 0xc3), 'gbk')).toEqual({ ok: true, text: '你好' });
    expect(decodeText(u8(0x94, 0x39, 0xfc, 0x36), 'gb18030')).toEqual({ ok: true, text: '😀' });
    expect(
      decodeText(u8(0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd), 'cp932'),
    ).toEqual({
      ok: true,
      text: 'こんにちは',
    });
  });

  it('accepts plain Uint8Array (not only Buffer) for legacy encodings', () => {
    const bytes = new Uint8Array(iconv.encode('鸽子', 'gbk'));
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(decodeText(bytes, 'gbk')).toEqual({ ok: true, text: '鸽子' });
    const e = encodeText('鸽子', 'gbk');
    expect(e.ok && e.bytes instanceof Uint8Array).toBe(true);
  });
});

describe('decodeText is strict: invalid bytes fail, never mojibake', () => {
  it.each([
    ['lone continuation byte', u8(0x80)],
    ['0xff', u8(0x61, 0xff, 0x62)],
    ['overlong NUL', u8(0xc0, 0x80)],
    ['truncated 3-byte sequence', u8(0xe4, 0xbd)],
    ['encoded surrogate', u8(0xed, 0xa0, 0x80)],
    ['GBK bytes read as UTF-8', u8(0xc4, 0xe3, 0xba, 0xc3)],
  ])('UTF-8: %s', (_name, bytes) => {
    const r = decodeText(bytes, 'utf-8');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/UTF-8/);
  });

  it.each([
    ['truncated lead byte', u8(0x61, 0xc4)],
    ['lead byte + invalid trail', u8(0x81, 0x20)],
    ['0xff', u8(0xff)],
  ])('GBK: %s', (_name, bytes) => {
    const r = decodeText(bytes, 'gbk');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('not valid GBK');
  });

  it.each([
    ['truncated four-byte sequence', u8(0x81, 0x30)],
    ['0xff', u8(0x41, 0xff)],
  ])('GB18030: %s', (_name, bytes) => {
    const r = decodeText(bytes, 'gb18030');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('not valid GB18030');
  });

  it.each([
    ['invalid trail byte', u8(0x81, 0x7f)],
    ['0xa0', u8(0xa0)],
    ['truncated lead byte', u8(0x82)],
  ])('CP932: %s', (_name, bytes) => {
    const r = decodeText(bytes, 'cp932');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('not valid CP932');
  });

  it('UTF-8 decodes a genuine U+FFFD (EF BF BD) as text', () => {
    expect(decodeText(u8(0xef, 0xbf, 0xbd), 'utf-8')).toEqual({ ok: true, text: '\uFFFD' });
  });

  it('GB18030 decodes a genuine U+FFFD (84 31 A4 37) as text, not as an error', () => {
    // GB18030 maps every code point, U+FFFD included: a peer quoting mojibake sends these bytes.
    const bytes = new Uint8Array(iconv.encode('bad: \uFFFD', 'gb18030'));
    expect(decodeText(bytes, 'gb18030')).toEqual({ ok: true, text: 'bad: \uFFFD' });
  });

  it('decodeLenient shows a marker instead of failing', () => {
    expect(decodeLenient(u8(0x61, 0xff, 0x62), 'utf-8')).toBe('a\uFFFDb');
    expect(decodeLenient(u8(0x61, 0xff), 'gbk')).toBe('a\uFFFD');
    expect(decodeLenient(u8(0xc4, 0xe3), 'gb18030')).toBe('你');
  });
});

describe('encodeText is strict: unrepresentable text fails with a reason', () => {
  it('emoji in GBK', () => {
    const r = encodeText('ok 😀 no', 'gbk');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.character).toBe('😀');
    expect(r.index).toBe(3);
    expect(r.reason).toContain('GBK cannot represent');
    expect(r.reason).toContain('U+1F600');
  });

  it('hangul in CP932', () => {
    const r = encodeText('日本語と한국어', 'cp932');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.character).toBe('한');
    expect(r.index).toBe(4);
    expect(r.reason).toMatch(/^CP932 cannot represent "한" \(U\+D55C\)$/);
  });

  it('simplified-only hanzi in CP932', () => {
    const r = encodeText('这', 'cp932');
    expect(r).toMatchObject({ ok: false, character: '这', index: 0 });
  });

  it('kana that GBK lacks do not exist; but hangul does not fit GBK either', () => {
    expect(encodeText('ひらがな', 'gbk').ok).toBe(true);
    expect(encodeText('한', 'gbk')).toMatchObject({ ok: false, character: '한' });
  });

  it('a literal "?" is not mistaken for a lost character', () => {
    const r = encodeText('why? 为什么?', 'gbk');
    expect(r.ok).toBe(true);
  });

  it('GB18030 and UTF-8 represent everything', () => {
    const all = '😀 한 こ 你 \u0001 \u{10FFFF}';
    expect(encodeText(all, 'gb18030').ok).toBe(true);
    expect(encodeText(all, 'utf-8').ok).toBe(true);
  });
});

describe('isValidUtf8', () => {
  it('tells UTF-8 from GBK', () => {
    expect(isValidUtf8(new TextEncoder().encode('你好'))).toBe(true);
    expect(isValidUtf8(u8())).toBe(true);
    expect(isValidUtf8(u8(0xc4, 0xe3, 0xba, 0xc3))).toBe(false);
  });
});

describe('parseEncodingName', () => {
  it.each([
    ['utf-8', 'utf-8'],
    ['UTF-8', 'utf-8'],
    ['utf8', 'utf-8'],
    [' utf_8 ', 'utf-8'],
    ['gb18030', 'gb18030'],
    ['GB18030', 'gb18030'],
    ['gbk', 'gbk'],
    ['GB2312', 'gbk'],
    ['cp936', 'gbk'],
    ['EUC-CN', 'gbk'],
    ['cp932', 'cp932'],
    ['Shift_JIS', 'cp932'],
    ['shift-jis', 'cp932'],
    ['sjis', 'cp932'],
    ['Windows-31J', 'cp932'],
  ])('%j -> %s', (name, expected) => {
    expect(parseEncodingName(name)).toBe(expected);
  });

  it.each([[''], ['utf-16'], ['latin1'], ['big5'], ['utf-8x']])('%j is unknown', (name) => {
    expect(parseEncodingName(name)).toBeUndefined();
  });
});
