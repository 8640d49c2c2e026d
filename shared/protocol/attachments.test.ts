import { describe, expect, it } from 'vitest';
import { buildAttachment, packAttachments, parseAttachments } from './attachments';
import { concatBytes } from './bytes';
import { FileAttr } from './commands';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const s = (u: Uint8Array) => dec.decode(u);

describe('parseAttachments', () => {
  it('reads the lab offer that iptux fetched', () => {
    const { entries, skipped } = parseAttachments(b('1:probe-file-7f3a.txt:a50:6b05b363:1:\x07'));
    expect(skipped).toBe(0);
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e?.fileId).toBe(1);
    expect(s(e?.name ?? new Uint8Array())).toBe('probe-file-7f3a.txt');
    expect(e?.size).toBe(0xa50);
    expect(e?.mtime).toBe(0x6b05b363);
    expect(e?.attr).toBe(FileAttr.REGULAR);
  });

  it("reads IP Messenger's records (%d:%s:%llx:%llx:%x:\\a, random 30-bit ids, RONLY|SYSTEM)", () => {
    const list = b(
      '718281828:report.pdf:1f4000:65a1b2c3:8101:\x07718281829:photos:0:65a1b2c4:2:\x07',
    );
    const { entries, skipped } = parseAttachments(list);
    expect(skipped).toBe(0);
    expect(entries.map((e) => [e.fileId, s(e.name), e.size, e.mtime, e.attr])).toEqual([
      [718281828, 'report.pdf', 0x1f4000, 0x65a1b2c3, FileAttr.REGULAR | 0x8100],
      [718281829, 'photos', 0, 0x65a1b2c4, FileAttr.DIR],
    ]);
  });

  it("reads iptux's records (ids from 10000, %x sizes) and its trailing NUL", () => {
    const list = b('10000:a.txt:3:65000000:1:\x0710001:中文目录:0:65000001:2:\x07\0');
    const { entries } = parseAttachments(list);
    expect(entries.map((e) => [e.fileId, s(e.name), e.attr])).toEqual([
      [10000, 'a.txt', 1],
      [10001, '中文目录', 2],
    ]);
  });

  it.each([
    ['\\a', '1:a:1:2:1\x072:b:3:4:1\x07'],
    [':\\a', '1:a:1:2:1:\x072:b:3:4:1:\x07'],
    ['\\a:', '1:a:1:2:1\x07:2:b:3:4:1\x07:'],
    [':\\a:', '1:a:1:2:1:\x07:2:b:3:4:1:\x07:'],
  ])('accepts the record end %s', (_label, list) => {
    const { entries, skipped } = parseAttachments(b(list));
    expect(skipped).toBe(0);
    expect(entries.map((e) => [e.fileId, s(e.name), e.size, e.mtime])).toEqual([
      [1, 'a', 1, 2],
      [2, 'b', 3, 4],
    ]);
  });

  it('ignores key=val extensions after attr', () => {
    const { entries } = parseAttachments(b('3:img.png:10:20:20:8=5:\x07'));
    expect(entries[0]?.attr).toBe(FileAttr.CLIPBOARD);
    expect(entries[0]?.size).toBe(0x10);
  });

  it('takes a record without attr as a regular file (as IP Messenger does)', () => {
    expect(parseAttachments(b('4:x:5:6\x07')).entries[0]?.attr).toBe(FileAttr.REGULAR);
    expect(parseAttachments(b('4:x:5:6:\x07')).entries[0]?.attr).toBe(FileAttr.REGULAR);
  });

  it("unescapes '::' to ':' left to right", () => {
    const { entries } = parseAttachments(b('1:a::b:1:2:1:\x072:c:::1:2:1:\x073:::x:1:2:1:\x07'));
    expect(entries.map((e) => s(e.name))).toEqual(['a:b', 'c:', ':x']);
  });

  it('reads a fileID with hex letters as hex', () => {
    expect(parseAttachments(b('1a:x:1:2:1:\x07')).entries[0]?.fileId).toBe(0x1a);
    expect(parseAttachments(b('FF:x:1:2:1:\x07')).entries[0]?.fileId).toBe(0xff);
    expect(parseAttachments(b('0010:x:1:2:1:\x07')).entries[0]?.fileId).toBe(10);
  });

  it('accepts sizes up to Number.MAX_SAFE_INTEGER, with leading zeros', () => {
    const max = Number.MAX_SAFE_INTEGER.toString(16);
    expect(parseAttachments(b(`1:x:${max}:2:1:\x07`)).entries[0]?.size).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    expect(parseAttachments(b('1:x:000000a50:2:1:\x07')).entries[0]?.size).toBe(0xa50);
  });

  it.each([
    ['size beyond MAX_SAFE_INTEGER', '1:x:20000000000000:2:1:\x07'],
    ['size 2^64-1', '1:x:ffffffffffffffff:2:1:\x07'],
    ['negative size', '1:x:-5:2:1:\x07'],
    ['empty size', '1:x::2:1:\x07'],
    ['size with a space', '1:x: 5:2:1:\x07'],
    ['non-hex mtime', '1:x:5:zz:1:\x07'],
    ['missing mtime', '1:x:5\x07'],
    ['non-hex attr', '1:x:5:2:q:\x07'],
    ['attr beyond 32 bits', '1:x:5:2:100000000:\x07'],
    ['empty name', '1::5:2:1:\x07'],
    ['missing name', '1\x07'],
    ['name only', '1:x\x07'],
    ['non-numeric fileID', '1x:x:5:2:1:\x07'],
    ['empty fileID', ':x:5:2:1:\x07'],
    ['negative fileID', '-1:x:5:2:1:\x07'],
    ['fileID beyond 31 bits', '2147483648:x:5:2:1:\x07'],
    ['fileID of 40 digits', `${'9'.repeat(40)}:x:5:2:1:\x07`],
    ['unterminated record (cut datagram)', '1:x:a5'],
    ['unterminated complete-looking record', '1:x:a5:2:1:'],
  ])('skips a record with %s, keeping the others', (_label, bad) => {
    const { entries, skipped } = parseAttachments(b(`7:good:1:2:1:\x07${bad}`));
    expect(entries.map((e) => e.fileId)).toEqual([7]);
    expect(skipped).toBe(1);
  });

  it('skips a duplicate fileID (the first one wins)', () => {
    const { entries, skipped } = parseAttachments(b('5:a:1:2:1:\x075:b:1:2:1:\x076:c:1:2:1:\x07'));
    expect(entries.map((e) => s(e.name))).toEqual(['a', 'c']);
    expect(skipped).toBe(1);
  });

  it('returns nothing for an empty or NUL-only list', () => {
    expect(parseAttachments(new Uint8Array(0))).toEqual({ entries: [], skipped: 0 });
    expect(parseAttachments(new Uint8Array(5))).toEqual({ entries: [], skipped: 0 });
  });

  it('caps entries and counts the rest as skipped', () => {
    const list = b(Array.from({ length: 12 }, (_, i) => `${i}:f${i}:1:2:1:\x07`).join(''));
    const { entries, skipped } = parseAttachments(list, 10);
    expect(entries).toHaveLength(10);
    expect(skipped).toBe(2);
  });

  it('stays cheap on hostile input: 100k records, one huge name, many colons', () => {
    const many = b(Array.from({ length: 100_000 }, (_, i) => `${i}:n:1:2:1:\x07`).join(''));
    const huge = concatBytes([b('1:'), new Uint8Array(1_000_000).fill(0x41), b(':1:2:1:\x07')]);
    const colons = new Uint8Array(1_000_000).fill(0x3a);
    const bels = new Uint8Array(1_000_000).fill(0x07);
    const t0 = performance.now();
    const r1 = parseAttachments(many);
    const r2 = parseAttachments(huge);
    const r3 = parseAttachments(colons);
    const r4 = parseAttachments(bels);
    const dupes = parseAttachments(b('1:n:1:2:1:\x07'.repeat(100_000)), 200_000);
    const elapsed = performance.now() - t0;
    expect(r1.entries).toHaveLength(1000);
    expect(r1.skipped).toBe(99_000);
    expect(r2.entries[0]?.name.length).toBe(1_000_000);
    expect(r3).toEqual({ entries: [], skipped: 1 });
    expect(r4).toEqual({ entries: [], skipped: 0 });
    expect(dupes.entries).toHaveLength(1);
    expect(dupes.skipped).toBe(99_999);
    expect(elapsed).toBeLessThan(2000);
  });

  it('copies names: the datagram buffer can be reused', () => {
    const list = b('1:abc:1:2:1:\x07');
    const { entries } = parseAttachments(list);
    list.fill(0x5a);
    expect(s(entries[0]?.name ?? new Uint8Array())).toBe('abc');
  });
});

describe('buildAttachment', () => {
  const item = {
    fileId: 1,
    name: b('probe-file-7f3a.txt'),
    size: 0xa50,
    mtime: 0x6b05b363,
    kind: 'file' as const,
  };

  it('writes the lab record byte for byte (IP Messenger layout, accepted by iptux)', () => {
    expect(s(buildAttachment(item, 'ipmsg'))).toBe('1:probe-file-7f3a.txt:a50:6b05b363:1:\x07');
    expect(s(buildAttachment(item, 'iptux'))).toBe('1:probe-file-7f3a.txt:a50:6b05b363:1:\x07');
  });

  it('writes attr 2 for a folder, ids in decimal and numbers in lower-case hex', () => {
    const rec = buildAttachment(
      { fileId: 718281829, name: b('Photos'), size: 0, mtime: 0x65a1b2c4, kind: 'folder' },
      'ipmsg',
    );
    expect(s(rec)).toBe('718281829:Photos:0:65a1b2c4:2:\x07');
  });

  it("doubles ':' for IP Messenger and replaces it with '_' for iptux", () => {
    const named = { ...item, name: b('a:b:') };
    expect(s(buildAttachment(named, 'ipmsg'))).toBe('1:a::b:::a50:6b05b363:1:\x07');
    expect(s(buildAttachment(named, 'iptux'))).toBe('1:a_b_:a50:6b05b363:1:\x07');
    expect(s(named.name)).toBe('a:b:'); // the caller's bytes are left alone
  });

  it('round-trips through parseAttachments, raw bytes included', () => {
    const names = [
      b('plain.txt'),
      b('a:b'),
      b('::'),
      b('日本語.txt'),
      new Uint8Array([0xff, 0x3a]),
    ];
    const records = names.map((name, i) =>
      buildAttachment(
        { fileId: i + 1, name, size: i * 1000, mtime: 1_700_000_000, kind: 'file' },
        'ipmsg',
      ),
    );
    const { entries, skipped } = parseAttachments(concatBytes(records));
    expect(skipped).toBe(0);
    expect(entries.map((e) => Array.from(e.name))).toEqual(names.map((n) => Array.from(n)));
    expect(entries.map((e) => e.size)).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it.each([
    ['NUL', new Uint8Array([0x61, 0x00])],
    ['\\a', new Uint8Array([0x61, 0x07])],
    ['nothing', new Uint8Array(0)],
  ])('throws for a name with %s', (_label, name) => {
    expect(() => buildAttachment({ ...item, name }, 'ipmsg')).toThrow(/name/);
  });

  it.each([
    ['fileId', { fileId: -1 }],
    ['fileId', { fileId: 0x80000000 }],
    ['size', { size: 1.5 }],
    ['size', { size: 2 ** 53 }],
    ['mtime', { mtime: -1 }],
  ])('throws for a bad %s', (field, patch) => {
    expect(() => buildAttachment({ ...item, ...patch }, 'ipmsg')).toThrow(new RegExp(field));
  });
});

describe('packAttachments', () => {
  const rec = (n: number) => new Uint8Array(n);

  it('groups records greedily, in order, within the budget', () => {
    const groups = packAttachments([rec(40), rec(50), rec(20), rec(90), rec(5)], 100);
    expect(groups.map((g) => g.map((r) => r.length))).toEqual([[40, 50], [20], [90, 5]]);
  });

  it('fills a group exactly to the budget', () => {
    expect(packAttachments([rec(60), rec(40), rec(1)], 100).map((g) => g.length)).toEqual([2, 1]);
  });

  it('gives a record larger than the budget a group of its own', () => {
    const groups = packAttachments([rec(10), rec(150), rec(10)], 100);
    expect(groups.map((g) => g.map((r) => r.length))).toEqual([[10], [150], [10]]);
  });

  it('returns no groups for no records', () => {
    expect(packAttachments([], 100)).toEqual([]);
  });
});
