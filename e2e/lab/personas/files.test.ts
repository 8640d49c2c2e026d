import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dialect } from './dialect';
import { shownRaw, shownText } from './display-model';
import { feiqDialect } from './feiq-dialect';
import { readFeiqOffer, readFeiqRequest } from './feiq-files';
import { encodeGbkStrict } from './gbk';
import { gbkIpmsgDialect } from './gbk-ipmsg-dialect';
import { Cmd, Opt, parsePacket } from './ipmsg-packet';
import { readIpmsgOffer, readIpmsgRequest } from './ipmsg-files';
import { PersonaCore, type Outgoing } from './persona-core';
import { fetchFile, serveFiles } from './persona-tcp';

/**
 * The personas' file transfer against bytes written out by hand from the clients' sources
 * (never by Pigeon's codec), and two personas moving a file over loopback TCP.
 */

const gbk = (s: string) => {
  const b = encodeGbkStrict(s);
  if (!b) throw new Error(`no GBK for ${s}`);
  return b;
};
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const nul = new Uint8Array([0]);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const NAME = '季度报告.txt';
const OFFER = Cmd.SENDMSG | Opt.FILEATTACHOPT;

describe('IP Messenger (GBK build) files', () => {
  const files = gbkIpmsgDialect().files;

  it('offers `text\\0id:name:size:mtime:attr:\\a`, GBK name, decimal id, hex numbers, no final NUL', () => {
    const extra = files.writeOffer('报告', [
      { fileId: 7, name: NAME, size: 0x1234, mtime: 0x65000000 },
      { fileId: 8, name: 'b.bin', size: 0, mtime: 1 },
    ]);
    expect(hex(extra)).toBe(
      hex(
        join(
          gbk('报告'),
          nul,
          ascii('7:'),
          gbk(NAME),
          ascii(':1234:65000000:1:\x078:b.bin:0:1:1:\x07'),
        ),
      ),
    );
    expect(files.offerCommand).toBe(Cmd.SENDMSG | Opt.SENDCHECKOPT | Opt.FILEATTACHOPT);
    // EncodeMsg: a random base below 2^30, consecutive ids.
    const ids = files.fileIds(3);
    expect(ids[1]).toBe((ids[0] ?? 0) + 1);
    expect(ids[2]).toBeLessThan(0x40000000);
  });

  it('reads names as GBK, or UTF-8 under UTF8OPT; the other way round is mojibake', () => {
    const record = (name: Uint8Array) =>
      join(ascii('x\0'), ascii('12:'), name, ascii(':a:5f:1:\x07'));
    expect(readIpmsgOffer(OFFER, record(gbk(NAME)))).toEqual([
      { fileId: 12, name: shownText(NAME), size: 10, mtime: 0x5f, attr: 1 },
    ]);
    expect(readIpmsgOffer(OFFER | Opt.UTF8OPT, record(utf8(NAME)))[0]?.name).toEqual(
      shownText(NAME),
    );
    const mojibake = readIpmsgOffer(OFFER, record(utf8(NAME)))[0]?.name;
    expect(mojibake).not.toEqual(shownText(NAME));
  });

  it('takes every record terminator, `::` as `;`, `?` as `_`, no attr as a file, drops other types', () => {
    const extra = join(
      ascii('\0'),
      ascii('1:a::b?.txt:3:0:1:\x07:'), // iptux's `:\a:`
      ascii('2:c.txt:4:0\x07'), // no attr
      ascii('3:link:0:0:4:\x07'), // a symlink: not listed
      ascii('4:d:0:0:2:\x07'),
    );
    expect(readIpmsgOffer(OFFER, extra).map((e) => [e.fileId, e.name, e.attr])).toEqual([
      [1, shownText('a;b_.txt'), 1],
      [2, shownText('c.txt'), 1],
      [4, shownText('d'), 2],
    ]);
    // A record with a path in its name ends the list (IsValidFileName fails: `break`).
    expect(readIpmsgOffer(OFFER, ascii('\x001:../x:1:0:1:\x072:y:1:0:1:\x07'))).toEqual([]);
  });

  it('asks `pkt:fid:offset:` in hex with the NUL, UTF8OPT only when the offer had it', () => {
    const r = files.writeRequest({ packetNo: 0x1a2b, fileId: 0x10, utf8: false }, 0);
    expect(r.command).toBe(Cmd.GETFILEDATA);
    expect(Buffer.from(r.extra).toString('latin1')).toBe('1a2b:10:0:\0');
    const u = files.writeRequest({ packetNo: 0x1a2b, fileId: 0x10, utf8: true }, 0x400);
    expect(u.command).toBe(Cmd.GETFILEDATA | Opt.UTF8OPT);
    expect(Buffer.from(u.extra).toString('latin1')).toBe('1a2b:10:400:\0');
  });

  it("its server needs the offset (iptux's form is fine, a missing offset is not)", () => {
    expect(readIpmsgRequest(Cmd.GETFILEDATA, ascii('1a2b:10:200'))).toEqual({
      packetNo: 0x1a2b,
      fileId: 0x10,
      offset: 0x200,
    });
    expect(readIpmsgRequest(Cmd.GETFILEDATA, ascii('1a2b:10:\0'))).toBe('no offset');
    expect(typeof readIpmsgRequest(Cmd.GETDIRFILES, ascii('1a2b:10:0:'))).toBe('string');
  });
});

describe('FeiQ (compilelife/feiq) files', () => {
  it('offers one file per datagram `\\0id:name:size:mtime:type:\\a\\0`, ids 1, 2, …, `:` doubled', () => {
    const files = feiqDialect().files;
    expect(files.fileIds(2)).toEqual([1, 2]);
    expect(files.fileIds(1)).toEqual([3]);
    const extra = files.writeOffer('ignored', [
      { fileId: 1, name: `a:${NAME}`, size: 0x1234, mtime: 0x65000000 },
    ]);
    expect(hex(extra)).toBe(
      hex(join(nul, ascii('1:'), gbk(`a::${NAME}`), ascii(':1234:65000000:1:\x07'), nul)),
    );
    expect(files.offerCommand).toBe(Cmd.SENDMSG | Opt.FILEATTACHOPT);
    expect(files.onePacketPerFile).toBe(true);
  });

  it('reads GBK whatever the options, raw bytes when that fails, and needs the `:` before `\\a`', () => {
    const rec = (name: Uint8Array, tail = ':a:5f:1:\x07') => join(ascii('12:'), name, ascii(tail));
    expect(readFeiqOffer(OFFER | Opt.UTF8OPT, join(ascii('hi\0'), rec(gbk(NAME))))).toEqual([
      { fileId: 12, name: shownText(NAME), size: 10, mtime: 0x5f, attr: 1 },
    ]);
    // UTF-8 季度报告.txt happens to be valid GBK: it shows mojibake. UTF-8 研发部.txt is not
    // (a lead byte meets the '.'): the clone keeps the bytes.
    expect(readFeiqOffer(OFFER | Opt.UTF8OPT, join(nul, rec(utf8(NAME))))[0]?.name).toEqual(
      shownText('瀛ｅ害鎶ュ憡.txt'),
    );
    expect(readFeiqOffer(OFFER, join(nul, rec(utf8('研发部.txt'))))[0]?.name).toEqual(
      shownRaw(utf8('研发部.txt')),
    );
    // `…:attr\a`: four ':'-terminated values, the file is not listed.
    expect(readFeiqOffer(OFFER, join(nul, rec(gbk(NAME), ':a:5f:1\x07')))).toEqual([]);
    expect(readFeiqOffer(OFFER, join(nul, rec(ascii('a::b'))))[0]?.name).toEqual(shownText('a:b'));
  });

  it('asks `pkt:fid:offset:` in hex (plain GETFILEDATA); its server needs that last `:`', () => {
    const files = feiqDialect().files;
    const r = files.writeRequest({ packetNo: 0x1a2b, fileId: 3, utf8: true }, 0);
    expect(r.command).toBe(Cmd.GETFILEDATA);
    expect(Buffer.from(r.extra).toString('latin1')).toBe('1a2b:3:0:\0');
    expect(readFeiqRequest(0, ascii('1a2b:3:10:\0'))).toEqual({
      packetNo: 0x1a2b,
      fileId: 3,
      offset: 0x10,
    });
    expect(typeof readFeiqRequest(0, ascii('1a2b:3:0\0'))).toBe('string');
  });
});

/** A persona core at `address`, collecting what it sends. */
function core(dialect: Dialect, address: string, user: string) {
  const sent: Outgoing[] = [];
  const c = new PersonaCore(
    dialect,
    { nick: user, group: '组', user, host: `${user.toUpperCase()}-PC`, address },
    ['127.255.255.255'],
    (o) => sent.push(o),
    { now: () => Date.now(), later: () => undefined },
  );
  return { c, sent };
}

describe('the persona file server', () => {
  const entryFrom = (user: string) =>
    join(ascii(`1:1:${user}:${user.toUpperCase()}-PC:${Cmd.ANSENTRY}:`), gbk(user), nul);

  it('IP Messenger serves only the recipient, once; a cut download may be asked again', () => {
    const { c, sent } = core(gbkIpmsgDialect(), '10.9.0.1', 'laowang');
    expect(() => c.offerFiles('10.9.0.2', '', [])).toThrow(/peer list/);
    c.receive('10.9.0.2', entryFrom('pigeon'));
    const [packetNo = 0] = c.offerFiles('10.9.0.2', '', [
      { path: '/x', name: NAME, size: 100, mtime: 5 },
    ]);
    const offer = parsePacket(sent.at(-1)?.bytes ?? new Uint8Array());
    const fileId = readIpmsgOffer(offer?.command ?? 0, offer?.extra ?? new Uint8Array())[0]?.fileId;
    const ask = (user: string, offset = 0) =>
      ascii(
        `1:9:${user}:${user.toUpperCase()}-PC:${Cmd.GETFILEDATA}:${packetNo.toString(16)}:${(fileId ?? 0).toString(16)}:${offset.toString(16)}:\0`,
      );
    expect(c.serveRequest('10.9.0.3', ask('pigeon'))).toMatchObject({ ok: false });
    expect(c.serveRequest('10.9.0.2', ask('other'))).toMatchObject({ ok: false });
    const first = c.serveRequest('10.9.0.2', ask('pigeon'));
    expect(first).toMatchObject({ ok: true, offset: 0, size: 100, path: '/x' });
    // Busy: a second connection for the same file is refused.
    expect(c.serveRequest('10.9.0.2', ask('pigeon'))).toMatchObject({ ok: false });
    if (first.ok) first.finish(40, false);
    const again = c.serveRequest('10.9.0.2', ask('pigeon', 40));
    expect(again).toMatchObject({ ok: true, offset: 40 });
    if (again.ok) again.finish(60, true);
    expect(c.serveRequest('10.9.0.2', ask('pigeon'))).toMatchObject({
      ok: false,
      why: 'already done',
    });
    expect(c.snapshot().served.map((s) => s.outcome)).toEqual([
      'refused',
      'refused',
      'cut',
      'refused',
      'served',
      'refused',
    ]);
  });

  it('FeiQ serves whoever names the packet and file, as often as asked', () => {
    const { c } = core(feiqDialect(), '10.9.0.1', 'xiaoli');
    const [packetNo = 0] = c.offerFiles('10.9.0.2', '', [
      { path: '/x', name: NAME, size: 100, mtime: 5 },
    ]);
    const ask = ascii(`1:9:anyone:ANY:${Cmd.GETFILEDATA}:${packetNo.toString(16)}:1:0:\0`);
    expect(c.serveRequest('10.9.0.7', ask)).toMatchObject({ ok: true });
    expect(c.serveRequest('10.9.0.8', ask)).toMatchObject({ ok: true });
  });
});

describe('two personas over loopback TCP', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persona-files-'));
  const servers: net.Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, make] of [
    ['IP Messenger', gbkIpmsgDialect],
    ['FeiQ', feiqDialect],
  ] as const) {
    it(`${name}: one offers 季度报告.txt, the other lists it, fetches it cut, then resumes it`, async () => {
      const src = path.join(dir, `${name}-${NAME}`);
      const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
      fs.writeFileSync(src, content);
      const a = core(make(), '127.0.0.1', 'alice');
      const b = core(make(), '127.0.0.1', 'bob');
      // Each knows the other (IPMsg offers only to peers in its list).
      a.c.receive('127.0.0.1', join(ascii(`1:1:bob:BOB-PC:${Cmd.ANSENTRY}:bob`), nul));
      a.c.offerFiles('127.0.0.1', '', [{ path: src, name: NAME, size: content.length, mtime: 9 }]);
      b.c.receive('127.0.0.1', a.sent.at(-1)?.bytes ?? new Uint8Array());
      const offer = b.c.snapshot().offers[0];
      expect(offer).toMatchObject({ name: shownText(NAME), size: content.length, mtime: 9 });
      if (!offer) return;
      const server = await serveFiles(a.c, 0, '127.0.0.1');
      servers.push(server);
      const port = (server.address() as net.AddressInfo).port;
      const save = path.join(dir, name);
      const cut = await fetchFile(b.c, { offer, port, dir: save, stopAfter: 50_000 });
      expect(cut).toMatchObject({ state: 'cut', bytes: 50_000 });
      const rest = await fetchFile(b.c, { offer, port, dir: save, offset: 50_000 });
      expect(rest).toMatchObject({ state: 'done', bytes: 150_000 });
      expect(fs.readFileSync(path.join(save, NAME)).equals(content)).toBe(true);
      expect(Buffer.from(rest.requestHex, 'hex').toString('latin1')).toMatch(/:c350:\0$/);
      await expect
        .poll(() => a.c.snapshot().served.map((s) => s.outcome))
        .toEqual(['cut', 'served']);
    });
  }
});
