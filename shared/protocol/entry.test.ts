import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildEntryExtra, buildLegacyEntryExtra, displayNames, parseEntryExtra } from './entry';

const enc = new TextEncoder();
const cat = (...parts: (string | Uint8Array)[]) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
const legacy = (s: string, e: string) => new Uint8Array(iconv.encode(s, e));

describe('parseEntryExtra', () => {
  it('reads iptux: nick\\0group\\0icon\\0encoding\\0', () => {
    const info = parseEntryExtra(cat('iptux-peer\0lab\0icon-tux.png\0utf-8\0'), 'utf-8');
    expect(info).toMatchObject({
      nick: 'iptux-peer',
      group: 'lab',
      icon: 'icon-tux.png',
      encodingName: 'utf-8',
      declaredEncoding: 'utf-8',
      ext: {},
    });
    expect(displayNames(info)).toEqual({ nick: 'iptux-peer', group: 'lab' });
  });

  it('reads an iptux that declares gb18030, with GB18030 names', () => {
    const extra = cat(
      legacy('张三', 'gb18030'),
      '\0',
      legacy('研发部', 'gb18030'),
      '\0icon-qq.png\0gb18030\0',
    );
    const info = parseEntryExtra(extra, 'gb18030');
    expect(info.nick).toBe('张三');
    expect(info.group).toBe('研发部');
    expect(info.declaredEncoding).toBe('gb18030');
  });

  it('reads IPMsg BR_ENTRY: CP932 nick, then the UTF-8 UN/HN/NN/GN/VS section, no trailing NUL', () => {
    const extra = cat(
      legacy('山田太郎', 'cp932'),
      '\0',
      legacy('開発', 'cp932'),
      '\0\nUN:taro\nHN:TARO-PC\nNN:山田太郎\nGN:開発\nVS:20000:4:99:3',
    );
    expect(extra[extra.length - 1]).not.toBe(0);
    const info = parseEntryExtra(extra, 'cp932');
    expect(info.nick).toBe('山田太郎');
    expect(info.group).toBe('開発');
    expect(info.ext).toEqual({
      user: 'taro',
      host: 'TARO-PC',
      nick: '山田太郎',
      group: '開発',
      vs: '20000:4:99:3',
    });
    expect(info.icon).toBeUndefined();
    expect(info.declaredEncoding).toBeUndefined();
  });

  it('prefers the UTF-8 NN/GN even when the legacy fields were read with the wrong code page', () => {
    // A Japanese IPMsg read with our GB18030 default: the legacy nick is mojibake, NN is right.
    const extra = cat(
      legacy('山田', 'cp932'),
      '\0',
      legacy('開発', 'cp932'),
      '\0\nUN:taro\nHN:pc\nNN:山田\nGN:開発\nVS:1:2:3:4',
    );
    const info = parseEntryExtra(extra, 'gb18030');
    expect(info.nick).not.toBe('山田');
    expect(displayNames(info)).toEqual({ nick: '山田', group: '開発' });
  });

  it('reads IPMsg without a group: nick\\0\\0\\n...', () => {
    const info = parseEntryExtra(
      cat('taro\0\0\nUN:taro\nHN:pc\nNN:taro\nGN:\nVS:1:2:3:4'),
      'utf-8',
    );
    expect(info.group).toBe('');
    expect(info.ext.group).toBe('');
    expect(displayNames(info)).toEqual({ nick: 'taro', group: '' });
  });

  it('reads IPMsg ANSENTRY: nick\\0group\\0\\nVS:... (no names in the extension)', () => {
    const info = parseEntryExtra(cat('taro\0dev\0\nVS:20000:4:99:3'), 'utf-8');
    expect(info.ext).toEqual({ vs: '20000:4:99:3' });
    expect(displayNames(info)).toEqual({ nick: 'taro', group: 'dev' });
  });

  it('reads FeiQ: nick\\0group\\0 in GBK', () => {
    const info = parseEntryExtra(
      cat(legacy('飞秋用户', 'gbk'), '\0', legacy('销售部', 'gbk'), '\0'),
      'gb18030',
    );
    expect(displayNames(info)).toEqual({ nick: '飞秋用户', group: '销售部' });
    expect(info.icon).toBeUndefined();
  });

  it('reads an empty extra (iptux BR_EXIT) as empty names', () => {
    expect(parseEntryExtra(new Uint8Array(), 'utf-8')).toMatchObject({
      nick: '',
      group: '',
      ext: {},
    });
    expect(parseEntryExtra(cat('\0'), 'utf-8')).toMatchObject({ nick: '', group: '' });
  });

  it('ignores IPMsg retry padding (64 NULs)', () => {
    const info = parseEntryExtra(cat('taro\0dev\0', new Uint8Array(64)), 'utf-8');
    expect(info).toMatchObject({ nick: 'taro', group: 'dev' });
    expect(info.encodingName).toBeUndefined();
  });

  it('clips absurdly long names to 256 characters', () => {
    const info = parseEntryExtra(
      cat('n'.repeat(5000), '\0', 'g'.repeat(5000), '\0\nNN:', 'x'.repeat(5000)),
      'utf-8',
    );
    expect(info.nick.length).toBe(256);
    expect(info.group.length).toBe(256);
    expect(info.ext.nick?.length).toBe(256);
  });

  it('ignores a fourth section that is too long to be an encoding name', () => {
    const info = parseEntryExtra(cat('a\0b\0icon\0', 'x'.repeat(40), '\0'), 'utf-8');
    expect(info.encodingName).toBeUndefined();
    expect(info.declaredEncoding).toBeUndefined();
  });

  it('keeps an unknown encoding name but declares nothing', () => {
    const info = parseEntryExtra(cat('a\0b\0icon\0utf-16\0'), 'utf-8');
    expect(info.encodingName).toBe('utf-16');
    expect(info.declaredEncoding).toBeUndefined();
  });

  it('reads Pigeon capabilities from PC and ignores unknown extension keys', () => {
    const info = parseEntryExtra(
      cat('p\0g\0\nUN:u\nHN:h\nNN:p\nGN:g\nPC:parts,echo\nZZ:what\nlower:x\0utf-8\0'),
      'utf-8',
    );
    expect(info.ext.pigeon).toEqual(['parts', 'echo']);
    expect(info.declaredEncoding).toBe('utf-8');
  });

  it('never throws on junk', () => {
    const junk = new Uint8Array(300).map((_, i) => (i * 37) & 0xff);
    for (const e of ['utf-8', 'gbk', 'gb18030', 'cp932'] as const) {
      expect(() => parseEntryExtra(junk, e)).not.toThrow();
    }
  });
});

describe('buildEntryExtra', () => {
  const base = { user: 'tester', host: 'box', capabilities: ['parts', 'echo'] };

  it('writes nick\\0group\\0, the UTF-8 extension and "utf-8" as iptux\'s fourth field', () => {
    const bytes = buildEntryExtra({ ...base, nick: '小明', group: '研发', encoding: 'utf-8' });
    expect(new TextDecoder().decode(bytes)).toBe(
      '小明\0研发\0\nUN:tester\nHN:box\nNN:小明\nGN:研发\nPC:parts,echo\0utf-8\0',
    );
  });

  it('omits PC when there are no capabilities', () => {
    const bytes = buildEntryExtra({
      ...base,
      capabilities: [],
      nick: 'a',
      group: '',
      encoding: 'utf-8',
    });
    expect(new TextDecoder().decode(bytes)).toBe('a\0\0\nUN:tester\nHN:box\nNN:a\nGN:\0utf-8\0');
  });

  it('writes nick and group in GBK for FeiQ, the extension stays UTF-8', () => {
    const bytes = buildEntryExtra({ ...base, nick: '小明', group: '研发', encoding: 'gbk' });
    expect(Array.from(bytes.subarray(0, 4))).toEqual(Array.from(legacy('小明', 'gbk')));
    const info = parseEntryExtra(bytes, 'gbk');
    expect(info.nick).toBe('小明');
    expect(info.group).toBe('研发');
    expect(info.ext.nick).toBe('小明');
  });

  it('falls back to GB18030 for a nick GBK cannot write (the extension keeps it exact)', () => {
    const bytes = buildEntryExtra({ ...base, nick: '小明😀', group: '', encoding: 'gbk' });
    const info = parseEntryExtra(bytes, 'gb18030');
    expect(info.nick).toBe('小明😀');
    expect(displayNames(info).nick).toBe('小明😀');
  });

  it('round-trips through parseEntryExtra', () => {
    for (const encoding of ['utf-8', 'gbk', 'gb18030', 'cp932'] as const) {
      const bytes = buildEntryExtra({ ...base, nick: 'Ann', group: 'QA', encoding });
      const info = parseEntryExtra(bytes, encoding);
      expect(info).toMatchObject({
        nick: 'Ann',
        group: 'QA',
        ext: { user: 'tester', host: 'box', nick: 'Ann', group: 'QA', pigeon: ['parts', 'echo'] },
      });
    }
  });
});

describe('buildLegacyEntryExtra', () => {
  it('writes nick\\0group\\0 wholly in the code page: no UTF-8 section, no fourth field', () => {
    const bytes = buildLegacyEntryExtra({ nick: '鸽子Pigeon', group: '研发部', encoding: 'gbk' });
    expect(Array.from(bytes)).toEqual(
      Array.from(cat(legacy('鸽子Pigeon', 'gbk'), '\0', legacy('研发部', 'gbk'), '\0')),
    );
    expect(bytes.includes(0x0a)).toBe(false);
    expect(parseEntryExtra(bytes, 'gbk')).toMatchObject({ nick: '鸽子Pigeon', group: '研发部' });
  });

  it('follows the encoding asked for (CP932 for a Japanese IP Messenger)', () => {
    const bytes = buildLegacyEntryExtra({ nick: '鳩', group: '開発', encoding: 'cp932' });
    expect(Array.from(bytes)).toEqual(
      Array.from(cat(legacy('鳩', 'cp932'), '\0', legacy('開発', 'cp932'), '\0')),
    );
  });

  it("writes '?' for a character the code page lacks, and keeps the rest readable", () => {
    const bytes = buildLegacyEntryExtra({ nick: '小明✓😀', group: '', encoding: 'gbk' });
    expect(Array.from(bytes)).toEqual(Array.from(cat(legacy('小明', 'gbk'), '??\0\0')));
  });
});
