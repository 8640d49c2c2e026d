import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from './encoding';
import { buildMessageBody, MAX_PARTS, parseMessageBody, splitForWire } from './message-body';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const s = (u: Uint8Array) => dec.decode(u);

describe('parseMessageBody', () => {
  it('reads text\\0 (iptux, IPMsg)', () => {
    const body = parseMessageBody(b('hello from iptux 你好 #2417\0'));
    expect(s(body.text)).toBe('hello from iptux 你好 #2417');
    expect(body.attachments.length).toBe(0);
    expect(body.part).toBeUndefined();
  });

  it('reads text without a trailing NUL', () => {
    expect(s(parseMessageBody(b('no terminator')).text)).toBe('no terminator');
  });

  it('ignores the 64 NULs of an IPMsg retry', () => {
    const extra = new Uint8Array([...b('retry me'), ...new Array(65).fill(0)]);
    const body = parseMessageBody(extra);
    expect(s(body.text)).toBe('retry me');
    expect(body.attachments.length).toBe(0);
  });

  it('reads sections and attachments up to trailing NULs, never into them', () => {
    const nonce = '0123456789abcdef0123456789abcdef';
    const pad = new Array(65).fill(0);
    const plain = parseMessageBody(
      new Uint8Array([...b(`hi\0\0PGNONCE:${nonce}\0PGID:m-1`), ...pad]),
    );
    expect(s(plain.text)).toBe('hi');
    expect(plain.attachments.length).toBe(0);
    expect(plain.nonce).toBe(nonce);
    expect(plain.id).toBe('m-1');
    const offer = parseMessageBody(new Uint8Array([...b('hi\x001:f:a:b:1:\0PGID:m-2\0'), ...pad]));
    expect(s(offer.attachments)).toBe('1:f:a:b:1:');
    expect(offer.id).toBe('m-2');
    // A list that runs to the end (no NUL after it) stops where the trailing NULs start.
    const bare = parseMessageBody(new Uint8Array([...b('hi\x001:f:a:b:1:'), 0, 0, 0]));
    expect(s(bare.attachments)).toBe('1:f:a:b:1:');
  });

  it('separates the attachment list (iptux file offer)', () => {
    const body = parseMessageBody(b('\x001:probe-file.txt:a50:6b05b363:1:\x07\0'));
    expect(body.text.length).toBe(0);
    expect(s(body.attachments)).toBe('1:probe-file.txt:a50:6b05b363:1:\x07');
  });

  it('reads the Pigeon part marker', () => {
    const body = parseMessageBody(b('piece\0\0PGPART:abc123:2:5\0'));
    expect(s(body.text)).toBe('piece');
    expect(body.part).toEqual({ id: 'abc123', index: 2, count: 5 });
  });

  it.each([
    ['PGPART:abc:5:5'], // index out of range
    ['PGPART:abc:0:0'],
    [`PGPART:abc:0:${MAX_PARTS + 1}`],
    ['PGPART:ABC:0:2'], // upper case id
    ['PGPART:abc:-1:2'],
    ['PGPART:abc:0:2:extra'],
    ['PGPART:abc:0'],
    [`PGPART:${'a'.repeat(60)}:0:2`],
    ['pgpart:abc:0:2'],
  ])('ignores an invalid marker %j', (marker) => {
    expect(parseMessageBody(b(`t\0\0${marker}\0`)).part).toBeUndefined();
  });

  it('buildMessageBody writes text\\0, or text\\0\\0PGPART:id:i:n\\0', () => {
    expect(s(buildMessageBody(b('hi')))).toBe('hi\0');
    expect(s(buildMessageBody(b('hi'), { part: { id: 'x9', index: 0, count: 3 } }))).toBe(
      'hi\0\0PGPART:x9:0:3\0',
    );
  });

  const NONCE = '0123456789abcdef0123456789abcdef';

  it('writes the nonce after the part marker, where older Pigeons look for the marker', () => {
    expect(s(buildMessageBody(b('hi'), { nonce: NONCE }))).toBe(`hi\0\0PGNONCE:${NONCE}\0`);
    const both = buildMessageBody(b('hi'), {
      part: { id: 'x9', index: 1, count: 3 },
      nonce: NONCE,
    });
    expect(s(both)).toBe(`hi\0\0PGPART:x9:1:3\0PGNONCE:${NONCE}\0`);
    // What an older Pigeon read: the text, and the part marker in the third section.
    const sections = s(both).split('\0');
    expect(sections[0]).toBe('hi');
    expect(sections[2]).toBe('PGPART:x9:1:3');
    expect(() => buildMessageBody(b('hi'), { nonce: 'not hex' })).toThrow();
  });

  it('reads the nonce and the part in either order, and ignores a bad nonce', () => {
    expect(parseMessageBody(b(`t\0\0PGNONCE:${NONCE}\0`))).toMatchObject({ nonce: NONCE });
    expect(parseMessageBody(b(`t\0\0PGNONCE:${NONCE}\0PGPART:k:0:2\0`))).toMatchObject({
      nonce: NONCE,
      part: { id: 'k', index: 0, count: 2 },
    });
    for (const bad of [NONCE.toUpperCase(), NONCE.slice(1), `${NONCE}0`, `${NONCE.slice(1)}g`])
      expect(parseMessageBody(b(`t\0\0PGNONCE:${bad}\0`)).nonce).toBeUndefined();
    // In the text or the attachment section it is not ours: a person may type anything.
    expect(parseMessageBody(b(`PGNONCE:${NONCE}\0`)).nonce).toBeUndefined();
    expect(parseMessageBody(b(`t\0PGNONCE:${NONCE}\0`)).nonce).toBeUndefined();
    // IPMsg's 64 NULs of retry padding change nothing.
    expect(parseMessageBody(b(`t\0\0PGNONCE:${NONCE}${'\0'.repeat(65)}`)).nonce).toBe(NONCE);
  });

  it('writes and reads the message id (PGID) beside the part and the nonce', () => {
    const both = buildMessageBody(b('hi'), {
      part: { id: 'x9', index: 1, count: 3 },
      nonce: NONCE,
      id: 'a1b2c3-1z',
    });
    expect(s(both)).toBe(`hi\0\0PGPART:x9:1:3\0PGNONCE:${NONCE}\0PGID:a1b2c3-1z\0`);
    expect(parseMessageBody(both)).toMatchObject({
      part: { id: 'x9', index: 1, count: 3 },
      nonce: NONCE,
      id: 'a1b2c3-1z',
    });
    expect(parseMessageBody(b('t\0\0PGID:m-1\0')).id).toBe('m-1');
    // Anything else is not an id: too long, other characters, in the text or attachments.
    for (const bad of ['x'.repeat(41), 'a b', 'a:b', '', 'a\u202eb'])
      expect(parseMessageBody(b(`t\0\0PGID:${bad}\0`)).id).toBeUndefined();
    expect(parseMessageBody(b('PGID:m-1\0')).id).toBeUndefined();
    expect(parseMessageBody(b('t\0PGID:m-1\0')).id).toBeUndefined();
    expect(() => buildMessageBody(b('t'), { id: 'no spaces' })).toThrow(/message id/);
  });

  it('round-trips build -> parse with and without a part', () => {
    const text = b('多行\n文本:with:colons');
    const plain = parseMessageBody(buildMessageBody(text));
    expect(s(plain.text)).toBe(s(text));
    const part = parseMessageBody(
      buildMessageBody(text, { part: { id: 'k1', index: 9, count: 10 } }),
    );
    expect(s(part.text)).toBe(s(text));
    expect(part.part).toEqual({ id: 'k1', index: 9, count: 10 });
  });
});

/** Check the contract of splitForWire for one input; returns the pieces. */
function checkSplit(text: string, encoding: 'utf-8' | 'gbk' | 'gb18030' | 'cp932', max: number) {
  const r = splitForWire(text, encoding, max);
  if (!r.ok) throw new Error(r.reason);
  const decoded = r.pieces.map((p) => {
    expect(p.length).toBeLessThanOrEqual(max);
    // Each piece decodes on its own: no character was cut in half.
    const d = decodeText(p, encoding);
    if (!d.ok) throw new Error(`piece does not decode: ${d.reason}`);
    return d.text;
  });
  expect(decoded.join('')).toBe(text);
  return { pieces: r.pieces, decoded };
}

describe('splitForWire', () => {
  it('returns one piece when the text fits', () => {
    const r = splitForWire('short', 'utf-8', 100);
    expect(r.ok && r.pieces.map(s)).toEqual(['short']);
  });

  it('returns one empty piece for empty text', () => {
    const r = splitForWire('', 'utf-8', 100);
    expect(r.ok && r.pieces.length).toBe(1);
  });

  it('cuts at line breaks when the lines fit', () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(20)}\n`,
    );
    const { decoded } = checkSplit(lines.join(''), 'utf-8', 100);
    expect(decoded.length).toBeGreaterThan(1);
    for (const piece of decoded) {
      expect(piece.endsWith('\n')).toBe(true);
      expect(piece.startsWith('line ')).toBe(true);
    }
  });

  it('packs as many whole lines as fit in each piece', () => {
    const text = 'aaaa\nbbbb\ncccc\ndddd\n'; // 5 bytes per line
    const { decoded } = checkSplit(text, 'utf-8', 10);
    expect(decoded).toEqual(['aaaa\nbbbb\n', 'cccc\ndddd\n']);
  });

  it('cuts a long line between characters, never inside a UTF-8 sequence', () => {
    const text = '你好世界'.repeat(50); // 3 bytes each
    const { pieces } = checkSplit(text, 'utf-8', 10);
    for (const p of pieces.slice(0, -1)) expect(p.length).toBe(9);
  });

  it('never splits a surrogate pair (4-byte UTF-8 emoji)', () => {
    checkSplit('😀'.repeat(100), 'utf-8', 10);
    checkSplit('a😀'.repeat(100), 'gb18030', 9);
  });

  it('never cuts a GBK or CP932 double-byte character', () => {
    checkSplit('中文字符测试'.repeat(40), 'gbk', 9);
    checkSplit('日本語のテキストｶﾀｶﾅ'.repeat(40), 'cp932', 9);
  });

  it('splits 100 KB of Chinese under the budget and gives the text back exactly', () => {
    const chars =
      '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
    const text = chars.repeat(Math.ceil(35_000 / chars.length)).slice(0, 35_000); // ~100 KB in UTF-8, ~70 KB in GBK
    expect(enc.encode(text).length).toBeGreaterThan(100_000);
    for (const e of ['utf-8', 'gbk', 'gb18030'] as const) {
      const { pieces } = checkSplit(text, e, 1300);
      expect(pieces.length).toBeGreaterThan(50);
    }
  });

  it('keeps CRLF-free text with many blank lines exact', () => {
    checkSplit('\n\n\n' + 'x'.repeat(50) + '\n\n' + '中'.repeat(30) + '\n', 'gbk', 16);
  });

  it('fails with the encoder reason when the text cannot be represented', () => {
    const r = splitForWire('fine 😀', 'gbk', 1000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('GBK cannot represent');
    const long = splitForWire('x'.repeat(5000) + '한', 'cp932', 100);
    expect(long.ok).toBe(false);
  });

  it('refuses a budget too small to carry any character', () => {
    const r = splitForWire('anything', 'utf-8', 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/too small/);
  });

  it('handles GBK bytes independent of iconv state', () => {
    const text = '€中文€';
    const { pieces } = checkSplit(text, 'gbk', 8);
    expect(Buffer.concat(pieces).equals(iconv.encode(text, 'gbk'))).toBe(true);
  });
});
