import { describe, expect, it } from 'vitest';
import { hasOpt, makeCommand, Mode, Opt } from './commands';
import { buildDirFilesRequest, buildFileDataRequest, parseFileRequest } from './file-request';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);
const s = (u: Uint8Array) => dec.decode(u);

describe('buildFileDataRequest / buildDirFilesRequest', () => {
  it("writes IP Messenger's form: lower-case hex with the trailing ':'", () => {
    expect(s(buildFileDataRequest(0x6500abcd, 718281828, 0))).toBe('6500abcd:2ad01c64:0:');
    expect(s(buildFileDataRequest(42, 1, 0x1000))).toBe('2a:1:1000:');
    expect(s(buildDirFilesRequest(0x6500abcd, 0x2ad0a165))).toBe('6500abcd:2ad0a165:');
  });

  it('writes offsets beyond 32 bits', () => {
    expect(s(buildFileDataRequest(1, 2, 2 ** 40))).toBe('1:2:10000000000:');
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('throws for %s', (bad) => {
    expect(() => buildFileDataRequest(bad, 1, 0)).toThrow(/packetNo/);
    expect(() => buildFileDataRequest(1, bad, 0)).toThrow(/fileId/);
    expect(() => buildFileDataRequest(1, 1, bad)).toThrow(/offset/);
    expect(() => buildDirFilesRequest(1, bad)).toThrow(/fileId/);
  });
});

describe('parseFileRequest', () => {
  it('round-trips our own requests', () => {
    expect(parseFileRequest(buildFileDataRequest(0x6500abcd, 0x1a, 0x123456789), 'file')).toEqual({
      ok: true,
      packetNo: 0x6500abcd,
      fileId: 0x1a,
      offset: 0x123456789,
    });
    expect(parseFileRequest(buildDirFilesRequest(99, 10), 'dir')).toEqual({
      ok: true,
      packetNo: 99,
      fileId: 10,
      offset: 0,
    });
  });

  it("reads iptux's GETFILEDATA (%x:%x:%lx, no ':', NUL-terminated)", () => {
    // iptux 0x200060 toward iptux peers: `…:2097248:1f:2710:0\0`, fileid 10000 = 0x2710.
    expect(parseFileRequest(b('1f:2710:0\0'), 'file')).toEqual({
      ok: true,
      packetNo: 0x1f,
      fileId: 0x2710,
      offset: 0,
      fileIdDecimal: 2710,
    });
  });

  it("reads iptux's GETDIRFILES (%x:%x:0) with the offset ignored", () => {
    expect(parseFileRequest(b('1f:2711:0\0'), 'dir')).toMatchObject({
      ok: true,
      fileId: 0x2711,
      offset: 0,
    });
    expect(parseFileRequest(b('1f:2711:5'), 'dir')).toMatchObject({ ok: true, offset: 0 });
  });

  it("reads IP Messenger's requests, including the encrypted form's extra fields", () => {
    expect(parseFileRequest(b('6500abcd:2ad0a164:0:'), 'file')).toEqual({
      ok: true,
      packetNo: 0x6500abcd,
      fileId: 0x2ad0a164,
      offset: 0,
    });
    expect(parseFileRequest(b('6500abcd:2ad0a165:'), 'dir')).toMatchObject({ ok: true });
    const encrypted = b(`6500abcd:2ad0a164:0:900000:${'ab'.repeat(32)}:65`);
    expect(parseFileRequest(encrypted, 'file')).toMatchObject({ ok: true, offset: 0 });
  });

  it("reads a FeiQ clone's request (%x:%x:%x:) and upper-case hex", () => {
    expect(parseFileRequest(b('3E8:7:1F4:\0'), 'file')).toEqual({
      ok: true,
      packetNo: 0x3e8,
      fileId: 7,
      offset: 0x1f4,
      fileIdDecimal: 7,
    });
  });

  it('takes a missing or empty offset as 0', () => {
    expect(parseFileRequest(b('a:b'), 'file')).toMatchObject({ ok: true, offset: 0 });
    expect(parseFileRequest(b('a:b:'), 'file')).toMatchObject({ ok: true, offset: 0 });
    expect(parseFileRequest(b('a:b::'), 'file')).toMatchObject({ ok: true, offset: 0 });
  });

  it('stops at the first NUL', () => {
    expect(parseFileRequest(b('a:b:10\0zz:zz'), 'file')).toMatchObject({ ok: true, offset: 16 });
  });

  it('gives fileIdDecimal only for all-decimal digits', () => {
    expect(parseFileRequest(b('1:10:0:'), 'file')).toMatchObject({ fileId: 16, fileIdDecimal: 10 });
    expect(parseFileRequest(b('1:1a:0:'), 'file')).not.toHaveProperty('fileIdDecimal');
  });

  it.each([
    ['', 'missing-field'],
    ['\0', 'missing-field'],
    ['12', 'missing-field'],
    ['12:', 'missing-field'],
    [':5:0:', 'bad-packet-no'],
    ['xyz:5:0:', 'bad-packet-no'],
    ['-1:5:0:', 'bad-packet-no'],
    ['20000000000000:5:0:', 'bad-packet-no'],
    [`${'0'.repeat(17)}1:5:0:`, 'bad-packet-no'],
    ['1:5z:0:', 'bad-file-id'],
    ['1: 5:0:', 'bad-file-id'],
    ['1:ffffffffffffffff:0:', 'bad-file-id'],
    ['1:5:-1:', 'bad-offset'],
    ['1:5:0x10:', 'bad-offset'],
    ['1:5:20000000000000:', 'bad-offset'],
    [`1:5:${'0'.repeat(600)}:`, 'oversized'],
  ])('refuses %j: %s', (extra, reason) => {
    expect(parseFileRequest(b(extra), 'file')).toEqual({ ok: false, reason });
  });
});

describe('Opt.PIGEON_HASHOPT', () => {
  it('is a single bit that no client sets on GETFILEDATA/GETDIRFILES', () => {
    const bit = Opt.PIGEON_HASHOPT;
    expect(bit & (bit - 1)).toBe(0);
    // What IP Messenger (ENCRYPTOPT, ENCFILEOPT = MULTICASTOPT, UTF8OPT) and iptux
    // (FILEATTACHOPT) put on these modes.
    const used = Opt.ENCRYPTOPT | Opt.MULTICASTOPT | Opt.UTF8OPT | Opt.FILEATTACHOPT | 0x400;
    expect(bit & used).toBe(0);
    const cmd = makeCommand(Mode.GETDIRFILES, Opt.UTF8OPT, bit);
    expect(hasOpt(cmd, bit)).toBe(true);
    expect(hasOpt(makeCommand(Mode.GETFILEDATA, Opt.FILEATTACHOPT), bit)).toBe(false);
  });
});
