import { describe, expect, it } from 'vitest';
import { concatBytes } from './bytes';
import { FileAttr } from './commands';
import {
  buildDirHeader,
  buildRetParentHeader,
  DirStreamReader,
  type DirEvent,
  type DirStreamLimits,
} from './dir-stream';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const s = (u: Uint8Array) => dec.decode(u);

const LIMITS: DirStreamLimits = {
  maxHeaderBytes: 1024,
  maxDepth: 8,
  maxEntries: 1000,
  hashTrailer: false,
};

type Flat =
  | { type: 'enter'; name: string; mtime: number }
  | { type: 'file'; name: string; size: number; mtime: number; attr: number }
  | { type: 'data'; text: string }
  | { type: 'file-end'; hash?: string }
  | { type: 'leave' }
  | { type: 'done' }
  | { type: 'error'; reason: string };

/** Events with names as text and adjacent data joined, so chunkings can be compared. */
function flatten(events: DirEvent[]): Flat[] {
  const out: Flat[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.type === 'data') {
      if (last?.type === 'data') last.text += s(e.bytes);
      else out.push({ type: 'data', text: s(e.bytes) });
    } else if (e.type === 'enter') out.push({ ...e, name: s(e.name) });
    else if (e.type === 'file') out.push({ ...e, name: s(e.name) });
    else if (e.type === 'file-end') {
      out.push(e.hash ? { type: 'file-end', hash: s(e.hash) } : { type: 'file-end' });
    } else out.push(e);
  }
  return out;
}

function read(chunks: Uint8Array[], limits: Partial<DirStreamLimits> = {}) {
  const reader = new DirStreamReader({ ...LIMITS, ...limits });
  const events: DirEvent[] = [];
  for (const c of chunks) events.push(...reader.push(c));
  events.push(...reader.end());
  return { reader, events, flat: flatten(events) };
}

const errorOf = (flat: Flat[]) => {
  const errors = flat.filter((e) => e.type === 'error');
  expect(errors).toHaveLength(1);
  expect(flat[flat.length - 1]?.type).toBe('error');
  return errors[0]?.type === 'error' ? errors[0].reason : '';
};

/** What iptux (SendFileData.cpp, `%.9jx` sizes) sends for docs/{a.txt "hello"}. */
const IPTUX_STREAM = b(
  '002e:docs:000000000:2:14=65000000:16=65000001:' +
    '002f:a.txt:000000005:1:14=65000002:16=65000003:hello' +
    '0023:.:0:3:14=65000004:16=65000005:',
);

const IPTUX_EVENTS: Flat[] = [
  { type: 'enter', name: 'docs', mtime: 0x65000000 },
  { type: 'file', name: 'a.txt', size: 5, mtime: 0x65000002, attr: FileAttr.REGULAR },
  { type: 'data', text: 'hello' },
  { type: 'file-end' },
  { type: 'leave' },
  { type: 'done' },
];

describe('buildDirHeader', () => {
  it("writes the header as IP Messenger and iptux do, headerSize counting itself and the last ':'", () => {
    const h = buildDirHeader({ name: b('docs'), size: 0, attr: FileAttr.DIR, mtime: 0x65000000 });
    expect(s(h)).toBe('0026:docs:0:2:14=65000000:16=65000000:');
    expect(h.length).toBe(0x26);
    const f = buildDirHeader({ name: b('a.txt'), size: 0xa50, attr: 1, mtime: 0x6b05b363 });
    expect(s(f)).toBe('0029:a.txt:a50:1:14=6b05b363:16=6b05b363:');
    expect(f.length).toBe(0x29);
  });

  it('writes RETPARENT as `.`, size 0, attr 3', () => {
    expect(s(buildRetParentHeader(0x65000004))).toBe('0023:.:0:3:14=65000004:16=65000004:');
  });

  it("doubles ':' in names and counts the escape in headerSize", () => {
    const h = buildDirHeader({ name: b('a:b'), size: 1, attr: 1, mtime: 0 });
    expect(s(h)).toBe('0018:a::b:1:1:14=0:16=0:');
    expect(h.length).toBe(0x18);
  });

  it('grows headerSize to more digits when the header passes 0xffff bytes', () => {
    for (const n of [0xffff - 40, 0xffff - 26, 0xffff - 25, 0xffff - 24, 0xffff, 0x10000]) {
      const h = buildDirHeader({ name: new Uint8Array(n).fill(0x61), size: 1, attr: 1, mtime: 0 });
      const colon = h.indexOf(0x3a);
      expect(colon).toBeGreaterThanOrEqual(4);
      expect(Number.parseInt(s(h.subarray(0, colon)), 16)).toBe(h.length);
      if (h.length > 0xffff) expect(colon).toBe(5);
      else expect(colon).toBe(4);
    }
  });

  it('throws for an empty name, a NUL or numbers that are not counts', () => {
    expect(() => buildDirHeader({ name: b(''), size: 0, attr: 1, mtime: 0 })).toThrow(/empty/);
    expect(() => buildDirHeader({ name: b('a\0'), size: 0, attr: 1, mtime: 0 })).toThrow(/NUL/);
    expect(() => buildDirHeader({ name: b('a'), size: -1, attr: 1, mtime: 0 })).toThrow(/size/);
    expect(() => buildDirHeader({ name: b('a'), size: 0, attr: 1, mtime: 0.5 })).toThrow(/mtime/);
    expect(() => buildDirHeader({ name: b('a'), size: 0, attr: -1, mtime: 0 })).toThrow(/attr/);
  });
});

describe('DirStreamReader', () => {
  it("reads iptux's stream", () => {
    expect(read([IPTUX_STREAM]).flat).toEqual(IPTUX_EVENTS);
  });

  it("reads IP Messenger's stream (%x%08x sizes, RONLY|SYSTEM flags, nested folders)", () => {
    const stream = b(
      '0030:Photos:000000000:2:14=65a1b2c4:16=65a1b2c0:' +
        '0037:report.pdf:000000003:8101:14=65a1b2c3:16=65a1b2c0:abc' +
        '002d:sub:000000000:2:14=65a1b2c5:16=65a1b2c0:' +
        '002b:e:000000000:1:14=65a1b2c6:16=65a1b2c0:' +
        '0023:.:0:3:14=65a1b2c5:16=65a1b2c0:' +
        '0023:.:0:3:14=65a1b2c4:16=65a1b2c0:',
    );
    expect(read([stream]).flat).toEqual([
      { type: 'enter', name: 'Photos', mtime: 0x65a1b2c4 },
      { type: 'file', name: 'report.pdf', size: 3, mtime: 0x65a1b2c3, attr: 0x8101 },
      { type: 'data', text: 'abc' },
      { type: 'file-end' },
      { type: 'enter', name: 'sub', mtime: 0x65a1b2c5 },
      { type: 'file', name: 'e', size: 0, mtime: 0x65a1b2c6, attr: 1 },
      { type: 'file-end' },
      { type: 'leave' },
      { type: 'leave' },
      { type: 'done' },
    ]);
  });

  it("reads a RETPARENT without times (IP Messenger's `0000:.:0:3:` form) and a header without keys", () => {
    const stream = b('000b:d:0:2:' + '000b:.:0:3:');
    expect(read([stream]).flat).toEqual([
      { type: 'enter', name: 'd', mtime: 0 },
      { type: 'leave' },
      { type: 'done' },
    ]);
  });

  it("unescapes '::' in names", () => {
    const stream = concatBytes([
      buildDirHeader({ name: b('x'), size: 0, attr: 2, mtime: 1 }),
      buildDirHeader({ name: b('a:b'), size: 1, attr: 1, mtime: 2 }),
      b('Z'),
      buildRetParentHeader(1),
    ]);
    expect(read([stream]).flat[1]).toMatchObject({ type: 'file', name: 'a:b', size: 1 });
  });

  it('round-trips what buildDirHeader writes', () => {
    const stream = concatBytes([
      buildDirHeader({ name: b('top'), size: 0, attr: FileAttr.DIR, mtime: 10 }),
      buildDirHeader({ name: b('one.bin'), size: 4, attr: FileAttr.REGULAR, mtime: 11 }),
      b('\x00\x01\x02\x03'),
      buildDirHeader({ name: b('中文'), size: 0, attr: FileAttr.DIR, mtime: 12 }),
      buildDirHeader({ name: b('two'), size: 2, attr: FileAttr.REGULAR, mtime: 13 }),
      b('hi'),
      buildRetParentHeader(12),
      buildRetParentHeader(10),
    ]);
    expect(read([stream]).flat).toEqual([
      { type: 'enter', name: 'top', mtime: 10 },
      { type: 'file', name: 'one.bin', size: 4, mtime: 11, attr: 1 },
      { type: 'data', text: '\x00\x01\x02\x03' },
      { type: 'file-end' },
      { type: 'enter', name: '中文', mtime: 12 },
      { type: 'file', name: 'two', size: 2, mtime: 13, attr: 1 },
      { type: 'data', text: 'hi' },
      { type: 'file-end' },
      { type: 'leave' },
      { type: 'leave' },
      { type: 'done' },
    ]);
  });

  it('hands out content as views of the pushed chunk, without copying', () => {
    const reader = new DirStreamReader(LIMITS);
    const events = reader.push(IPTUX_STREAM);
    const data = events.find((e) => e.type === 'data');
    expect(data?.type === 'data' && data.bytes.buffer).toBe(IPTUX_STREAM.buffer);
  });

  it('reads the SHA-256 trailer after each regular file, also after an empty one', () => {
    const hashA = 'A'.repeat(32);
    const hashB = 'B'.repeat(32);
    const stream = concatBytes([
      buildDirHeader({ name: b('d'), size: 0, attr: 2, mtime: 0 }),
      buildDirHeader({ name: b('f'), size: 3, attr: 1, mtime: 0 }),
      b('xyz' + hashA),
      buildDirHeader({ name: b('empty'), size: 0, attr: 1, mtime: 0 }),
      b(hashB),
      buildRetParentHeader(0),
    ]);
    const { flat } = read([stream], { hashTrailer: true });
    expect(flat.filter((e) => e.type === 'file-end')).toEqual([
      { type: 'file-end', hash: hashA },
      { type: 'file-end', hash: hashB },
    ]);
    expect(flat.filter((e) => e.type === 'data')).toEqual([{ type: 'data', text: 'xyz' }]);
    expect(flat[flat.length - 1]).toEqual({ type: 'done' });
  });

  it('skips symlinks and devices with their content, and unknown types of size 0, counting them', () => {
    const stream = concatBytes([
      buildDirHeader({ name: b('d'), size: 0, attr: 2, mtime: 0 }),
      buildDirHeader({ name: b('link'), size: 4, attr: FileAttr.SYMLINK, mtime: 0 }),
      b('../x'),
      buildDirHeader({ name: b('fifo'), size: 0, attr: FileAttr.FIFO, mtime: 0 }),
      buildDirHeader({ name: b('odd'), size: 0, attr: 0x55, mtime: 0 }),
      buildDirHeader({ name: b('f'), size: 1, attr: 1, mtime: 0 }),
      b('!'),
      buildRetParentHeader(0),
    ]);
    const { flat, reader } = read([stream]);
    expect(flat.map((e) => e.type)).toEqual(['enter', 'file', 'data', 'file-end', 'leave', 'done']);
    expect(reader.skipped).toBe(3);
  });

  it('gives the same events for any chunking (1-byte chunks and random splits)', () => {
    const stream = concatBytes([
      buildDirHeader({ name: b('top'), size: 0, attr: 2, mtime: 1 }),
      buildDirHeader({ name: b('big'), size: 3000, attr: 1, mtime: 2 }),
      new Uint8Array(3000).map((_, i) => 0x41 + (i % 26)),
      b('H'.repeat(32)),
      buildDirHeader({ name: b('sub'), size: 0, attr: 2, mtime: 3 }),
      buildDirHeader({ name: b('ln'), size: 7, attr: FileAttr.SYMLINK, mtime: 0 }),
      b('target!'),
      buildDirHeader({ name: b('z:z'), size: 0, attr: 1, mtime: 4 }),
      b('Z'.repeat(32)),
      buildRetParentHeader(3),
      buildRetParentHeader(1),
    ]);
    const limits = { hashTrailer: true };
    const whole = read([stream], limits).flat;
    expect(whole[whole.length - 1]).toEqual({ type: 'done' });
    expect(whole.filter((e) => e.type === 'file-end')).toHaveLength(2);

    const bytes = Array.from(stream, (_, i) => stream.subarray(i, i + 1));
    expect(read(bytes, limits).flat).toEqual(whole);

    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      let at = 0;
      while (at < stream.length) {
        const n = 1 + Math.floor(random() * (random() < 0.5 ? 8 : 400));
        chunks.push(stream.slice(at, at + n));
        at += n;
      }
      if (random() < 0.3) chunks.splice(1, 0, new Uint8Array(0));
      expect(read(chunks, limits).flat).toEqual(whole);
    }
  });

  describe('refuses hostile streams with one sticky error', () => {
    const top = () => buildDirHeader({ name: b('top'), size: 0, attr: 2, mtime: 0 });
    const file = (name: string, size: number) =>
      buildDirHeader({ name: b(name), size, attr: 1, mtime: 0 });

    it.each([
      ['headerSize not hex', b('00zz:a:0:2:'), /headerSize has the byte/],
      ['headerSize empty', b(':a:0:2:'), /headerSize is empty/],
      ['headerSize negative', b('-010:a:0:2:'), /headerSize has the byte/],
      ['headerSize beyond maxHeaderBytes', b('ffff:a:0:2:'), /headerSize exceeds 1024/],
      ['headerSize with endless digits', b('0'.repeat(5000)), /header longer than 1024/],
      ['headerSize smaller than itself', b('0004:a:0:2:'), /no room/],
      ['headerSize too short for the fields', b('0009:a:0:2:'), /does not end with ':'|lacks/],
      ['headerSize too long (eats content)', b('000f:a:0:2:abcd'), /does not end with ':'/],
      ['a header without size and attr', b('0008:ab:'), /lacks/],
      ['a header without attr', b('000a:ab:0:'), /lacks/],
      ['a non-hex attr', b('000c:ab:0:x:'), /attr/],
      ['a file first', file('a', 0), /does not start with a folder/],
      ['RETPARENT first', buildRetParentHeader(0), /RETPARENT above the root/],
    ])('%s', (_label, stream, reason) => {
      expect(errorOf(read([stream]).flat)).toMatch(reason);
    });

    it.each([
      ['negative', '-5'],
      ['beyond 2^53', '20000000000000'],
      ['2^64 - 1', 'ffffffffffffffff'],
      ['empty', ''],
      ['not hex', '5g'],
    ])('a %s size', (_label, size) => {
      const header = b(`:f:${size}:1:`);
      const full = concatBytes([b((header.length + 4).toString(16).padStart(4, '0')), header]);
      expect(errorOf(read([top(), full]).flat)).toMatch(/size/);
    });

    it.each([
      ['empty', ''],
      ['.', '.'],
      ['..', '..'],
      ['a/b', 'a/b'],
      ['/etc', '/etc'],
      ['NUL', 'a\0b'],
    ])('the name %j', (_label, name) => {
      const header = b(`:${name}:0:1:`);
      const full = concatBytes([b((header.length + 4).toString(16).padStart(4, '0')), header]);
      expect(errorOf(read([top(), full]).flat)).toMatch(/unsafe name/);
      const dir = b(`:${name}:0:2:`);
      const dirFull = concatBytes([b((dir.length + 4).toString(16).padStart(4, '0')), dir]);
      expect(errorOf(read([top(), dirFull]).flat)).toMatch(/unsafe name/);
    });

    it('leaves a 0x5C byte to the decoded name: GBK 表 is 95 5C', () => {
      const gbk = new Uint8Array([0x95, 0x5c]);
      const header = concatBytes([b(':'), gbk, b(':0:1:')]);
      const full = concatBytes([b((header.length + 4).toString(16).padStart(4, '0')), header]);
      const events = read([top(), full, buildRetParentHeader(0)]).flat;
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
      expect(events.filter((e) => e.type === 'file')).toHaveLength(1);
    });

    it('folders deeper than maxDepth', () => {
      const ok = read([top(), top(), buildRetParentHeader(0), buildRetParentHeader(0)], {
        maxDepth: 2,
      });
      expect(ok.flat[ok.flat.length - 1]).toEqual({ type: 'done' });
      expect(errorOf(read([top(), top(), top()], { maxDepth: 2 }).flat)).toMatch(/deeper than 2/);
    });

    it('more entries than maxEntries', () => {
      const files = Array.from({ length: 5 }, (_, i) => file(`f${i}`, 0));
      expect(errorOf(read([top(), ...files], { maxEntries: 5 }).flat)).toMatch(/more than 5/);
    });

    it('an unknown type with content', () => {
      const odd = buildDirHeader({ name: b('x'), size: 3, attr: 0x55, mtime: 0 });
      expect(errorOf(read([top(), odd, b('abc')]).flat)).toMatch(/unknown entry type 0x55/);
    });

    it('data after the top folder is closed, in the same chunk or later', () => {
      const closed = concatBytes([top(), buildRetParentHeader(0)]);
      expect(errorOf(read([concatBytes([closed, b('x')])]).flat)).toMatch(/after the end/);
      expect(errorOf(read([closed, b('x')]).flat)).toMatch(/after the end/);
      expect(read([closed, new Uint8Array(0)]).flat.at(-1)).toEqual({ type: 'done' });
    });

    it.each([
      ['in a header', (s: Uint8Array) => s.subarray(0, 10)],
      ['in content', (s: Uint8Array) => s.subarray(0, 0x2e + 0x2f + 2)],
      ['between entries with folders open', (s: Uint8Array) => s.subarray(0, 0x2e)],
      ['before the last RETPARENT', (s: Uint8Array) => s.subarray(0, s.length - 0x23)],
      ['with nothing at all', () => new Uint8Array(0)],
    ])('a stream truncated %s', (_label, cut) => {
      expect(errorOf(read([cut(IPTUX_STREAM)]).flat)).toMatch(/stream ended early/);
    });

    it('a stream truncated inside a hash trailer', () => {
      const stream = concatBytes([top(), file('f', 1), b('x'), b('H'.repeat(10))]);
      expect(errorOf(read([stream], { hashTrailer: true }).flat)).toMatch(/hash trailer/);
    });

    it('stays silent after the error, whatever comes next', () => {
      const reader = new DirStreamReader(LIMITS);
      const first = reader.push(b('zz'));
      expect(first.map((e) => e.type)).toEqual(['error']);
      expect(reader.push(IPTUX_STREAM)).toEqual([]);
      expect(reader.end()).toEqual([]);
    });

    it('a lying headerSize fed one byte at a time fails at once', () => {
      const reader = new DirStreamReader(LIMITS);
      const events: DirEvent[] = [];
      for (const byte of b('fffff')) events.push(...reader.push(new Uint8Array([byte])));
      expect(events.map((e) => e.type)).toEqual(['error']);
    });
  });

  it('stays linear: 100k small files, 1 MiB of content in 1-byte chunks', () => {
    const parts = [buildDirHeader({ name: b('top'), size: 0, attr: 2, mtime: 0 })];
    const header = buildDirHeader({ name: b('f'), size: 1, attr: 1, mtime: 0 });
    for (let i = 0; i < 100_000; i++) parts.push(header, b('x'));
    parts.push(buildRetParentHeader(0));
    const many = concatBytes(parts);
    const t0 = performance.now();
    const reader = new DirStreamReader({ ...LIMITS, maxEntries: 200_000 });
    let files = 0;
    for (let at = 0; at < many.length; at += 4096) {
      for (const e of reader.push(many.subarray(at, at + 4096))) if (e.type === 'file') files++;
    }
    expect(reader.end()).toEqual([]);
    expect(files).toBe(100_000);

    const big = concatBytes([
      buildDirHeader({ name: b('top'), size: 0, attr: 2, mtime: 0 }),
      buildDirHeader({ name: b('big'), size: 1 << 20, attr: 1, mtime: 0 }),
      new Uint8Array(1 << 20),
      buildRetParentHeader(0),
    ]);
    const bigReader = new DirStreamReader(LIMITS);
    let content = 0;
    for (let at = 0; at < big.length; at++) {
      for (const e of bigReader.push(big.subarray(at, at + 1))) {
        if (e.type === 'data') content += e.bytes.length;
      }
    }
    expect(content).toBe(1 << 20);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
