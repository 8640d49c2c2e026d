import { describe, expect, it } from 'vitest';
import {
  buildDatagram,
  buildReplyWithPrefix,
  buildWithPrefix,
  headerPrefix,
  MAX_DATAGRAM,
  MAX_HEADER_FIELD,
  parseAnsweredPacketNo,
  parseDatagram,
  type WirePacket,
} from './packet';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Bytes from a JS string written with \0 escapes (UTF-8). */
const b = (s: string) => enc.encode(s);
const text = (u: Uint8Array) => dec.decode(u);

function parseOk(bytes: Uint8Array): WirePacket {
  const r = parseDatagram(bytes);
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

function parseCode(bytes: Uint8Array): string {
  const r = parseDatagram(bytes);
  return r.ok ? 'ok' : r.error.code;
}

describe('parseDatagram: the header', () => {
  it('splits the six fields of a plain packet', () => {
    const p = parseOk(b('1:42:alice:alice-pc:32:hello\0'));
    expect(p.version).toBe('1');
    expect(p.packetNo).toBe(42);
    expect(text(p.user)).toBe('alice');
    expect(text(p.host)).toBe('alice-pc');
    expect(p.command).toBe(32);
    expect(Array.from(p.extra)).toEqual(Array.from(b('hello\0')));
  });

  it('splits on the FIRST five colons: the extra keeps its own colons', () => {
    const p = parseOk(b('1:7:u:h:96:6b05c1f5:1:0\0'));
    expect(text(p.extra)).toBe('6b05c1f5:1:0\0');
    const q = parseOk(b('1:7:u:h:288:a:b::c:::\0x:y'));
    expect(text(q.extra)).toBe('a:b::c:::\0x:y');
  });

  it('accepts an empty extra after the fifth colon', () => {
    const p = parseOk(b('1:1:u:h:0:'));
    expect(p.extra.length).toBe(0);
    expect(p.command).toBe(0);
  });

  it('keeps empty user and host as empty fields (never shifts the others)', () => {
    const p = parseOk(b('1:5:::33:5\0'));
    expect(p.user.length).toBe(0);
    expect(p.host.length).toBe(0);
    expect(p.command).toBe(33);
    expect(text(p.extra)).toBe('5\0');
  });

  it("keeps user and host as raw bytes (their encoding is the engine's business)", () => {
    const cp932User = new Uint8Array([0x93, 0xfa, 0x96, 0x7b]); // 日本 in CP932
    const bytes = new Uint8Array([...b('1:9:'), ...cp932User, ...b(':pc:33:9\0')]);
    const p = parseOk(bytes);
    expect(Array.from(p.user)).toEqual(Array.from(cp932User));
  });

  it.each([
    ['1'],
    ['1_iptux 0.8.3'],
    ['1_lbt6_0#128#001122334455#0#0#0#4001#9'],
    ['1_lbt4_10#128#C8600015C0A8#0#0#0#311c#9'],
    ['1@shiyeline'],
    ['1_pigeon 0.1.0'],
    [' 1'],
    ['01'],
  ])('accepts version %j (leading integer is 1)', (version) => {
    expect(parseOk(b(`${version}:1:u:h:1:x\0`)).version).toBe(version);
  });

  it.each([['2'], ['0'], ['10'], [''], ['x1'], ['_1'], ['2_iptux'], ['-1']])(
    'rejects version %j with bad-version',
    (version) => {
      expect(parseCode(b(`${version}:1:u:h:1:x\0`))).toBe('bad-version');
    },
  );

  it('parses the largest safe packet number and command word', () => {
    const p = parseOk(b('1:9007199254740991:u:h:4294967295:'));
    expect(p.packetNo).toBe(Number.MAX_SAFE_INTEGER);
    expect(p.command).toBe(0xffffffff);
  });

  it('keeps a command word with the top bit set positive (iptux SHAREDOPT)', () => {
    const p = parseOk(b(`1:1:u:h:${0x80000020}:x\0`));
    expect(p.command).toBe(0x80000020);
    expect(p.command).toBeGreaterThan(0);
  });

  it.each([
    ['abc'],
    [''],
    ['-1'],
    ['1.5'],
    ['1e3'],
    [' 12'],
    ['0x10'],
    ['9007199254740992'], // 2^53: not safe
    ['99999999999999999'], // 17 digits
    ['1'.repeat(200)],
  ])('rejects packet number %j with bad-packet-no', (no) => {
    expect(parseCode(b(`1:${no}:u:h:32:x\0`))).toBe('bad-packet-no');
  });

  it.each([
    ['4294967296'], // 2^32
    ['99999999999'],
    ['18446744073709551616'],
    [''],
    ['x'],
    ['-32'],
    ['0x20'],
    ['32 '],
    ['3.2'],
  ])('rejects command %j with bad-command', (cmd) => {
    expect(parseCode(b(`1:1:u:h:${cmd}:x\0`))).toBe('bad-command');
  });

  it('rejects an empty datagram', () => {
    const r = parseDatagram(new Uint8Array());
    expect(r).toMatchObject({ ok: false, error: { code: 'empty' } });
  });

  it.each([
    ['no colon at all'],
    ['1:2:3:4:32'], // four colons
    ['1:2'],
    [':::'],
    ['\0\0\0\0'],
  ])('rejects %j with too-few-fields', (s) => {
    expect(parseCode(b(s))).toBe('too-few-fields');
  });

  it('rejects a datagram larger than MAX_DATAGRAM with oversized', () => {
    const big = new Uint8Array(MAX_DATAGRAM + 1).fill(0x61);
    big.set(b('1:1:u:h:32:'));
    expect(parseCode(big)).toBe('oversized');
  });

  it('accepts a datagram of exactly MAX_DATAGRAM bytes', () => {
    const big = new Uint8Array(MAX_DATAGRAM).fill(0x61);
    big.set(b('1:1:u:h:32:'));
    expect(parseOk(big).extra.length).toBe(MAX_DATAGRAM - b('1:1:u:h:32:').length);
  });

  it.each([
    ['version', `1${'a'.repeat(MAX_HEADER_FIELD)}:1:u:h:32:x\0`],
    ['user', `1:1:${'u'.repeat(MAX_HEADER_FIELD + 1)}:h:32:x\0`],
    ['host', `1:1:u:${'h'.repeat(MAX_HEADER_FIELD + 1)}:32:x\0`],
  ])('rejects an oversized %s field with bad-field', (_name, s) => {
    expect(parseCode(b(s))).toBe('bad-field');
  });

  it('accepts header fields of exactly MAX_HEADER_FIELD bytes', () => {
    const u = 'u'.repeat(MAX_HEADER_FIELD);
    const p = parseOk(b(`1:1:${u}:${u}:32:x\0`));
    expect(p.user.length).toBe(MAX_HEADER_FIELD);
  });

  it('never throws on hostile shapes', () => {
    const cases = [
      new Uint8Array([0x3a, 0x3a, 0x3a, 0x3a, 0x3a]),
      new Uint8Array([0x31, 0x3a, 0x3a, 0x3a, 0x3a, 0x3a]),
      new Uint8Array(70_000),
      b('1:\u{1F600}:u:h:32:x'),
      new Uint8Array([0xff, 0xfe, 0x3a, 0x31, 0x3a, 0x3a, 0x3a, 0x3a]),
    ];
    for (const c of cases) {
      const r = parseDatagram(c);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(typeof r.error.message).toBe('string');
    }
  });
});

describe('buildDatagram', () => {
  it('writes Ver:PacketNo:User:Host:Command:Extra with the extra verbatim', () => {
    const bytes = buildDatagram({
      version: '1_iptux 0.8.3',
      packetNo: 7,
      user: b('root'),
      host: b('lab-iptux'),
      command: 289,
      extra: b('1795539442\0'),
    });
    expect(text(bytes)).toBe('1_iptux 0.8.3:7:root:lab-iptux:289:1795539442\0');
  });

  it('writes the command word unsigned', () => {
    const bytes = buildDatagram({
      version: '1',
      packetNo: 1,
      user: b('u'),
      host: b('h'),
      command: 0x80000020 | 0, // a negative int32
      extra: new Uint8Array(),
    });
    expect(text(bytes)).toBe(`1:1:u:h:${0x80000020}:`);
  });

  it('round-trips build -> parse for a packet with colons and NULs in the extra', () => {
    const packet: WirePacket = {
      version: '1_pigeon 0.1.0',
      packetNo: 1_700_000_123,
      user: b('tester'),
      host: b('box'),
      command: 0x800120,
      extra: b('a:b:c\0\0PGPART:x1:0:2\0'),
    };
    const back = parseOk(buildDatagram(packet));
    expect(back.version).toBe(packet.version);
    expect(back.packetNo).toBe(packet.packetNo);
    expect(text(back.user)).toBe('tester');
    expect(text(back.host)).toBe('box');
    expect(back.command).toBe(packet.command);
    expect(Array.from(back.extra)).toEqual(Array.from(packet.extra));
  });

  it('round-trips parse -> build byte for byte', () => {
    const wire = b('1_lbt6_0#128#001122334455#0#0#0#4001#9:1700000000:feiq:FEIQ-PC:288:hi:there\0');
    expect(Array.from(buildDatagram(parseOk(wire)))).toEqual(Array.from(wire));
  });
});

describe('parseDatagram: the version field', () => {
  it('gives each datagram its own version when many clients take turns (past the cache)', () => {
    const versions = Array.from({ length: 20 }, (_, i) => `1_client ${i}`);
    for (let round = 0; round < 3; round++) {
      for (const v of [...versions, ...versions.slice().reverse()]) {
        expect(parseOk(b(`${v}:7:u:h:32:x`)).version).toBe(v);
      }
    }
  });

  it('does not confuse versions of the same length that differ in one byte', () => {
    expect(parseOk(b('1_iptux 0.8.3:1:u:h:1:')).version).toBe('1_iptux 0.8.3');
    expect(parseOk(b('1_iptux 0.8.4:1:u:h:1:')).version).toBe('1_iptux 0.8.4');
    expect(parseOk(b('1_iptux 0.8.3:1:u:h:1:')).version).toBe('1_iptux 0.8.3');
  });

  it('is not changed by a later write into the datagram it came from', () => {
    const bytes = b('1_abc:1:u:h:1:');
    expect(parseOk(bytes).version).toBe('1_abc');
    bytes[4] = 0x7a; // the socket may reuse its buffer: the cached text must stay right
    expect(parseOk(bytes).version).toBe('1_abz');
    expect(parseOk(b('1_abc:1:u:h:1:')).version).toBe('1_abc');
  });
});

describe('replies that carry a packet number (RECVMSG, ANSREADMSG)', () => {
  const prefix = headerPrefix('1_pigeon 0.1.0', b('me'), b('box'));

  it('buildReplyWithPrefix writes exactly what buildWithPrefix writes for "N\\0"', () => {
    for (const answered of [0, 7, 1234567890, 2147483647]) {
      expect(buildReplyWithPrefix(prefix, 42, 33, answered)).toEqual(
        buildWithPrefix(prefix, 42, 33, b(`${answered}\0`)),
      );
    }
  });

  it('parseAnsweredPacketNo reads the number with or without NULs and blanks around it', () => {
    expect(parseAnsweredPacketNo(b('1234\0'))).toBe(1234);
    expect(parseAnsweredPacketNo(b('1234'))).toBe(1234);
    expect(parseAnsweredPacketNo(b(' 1234 \0\0\0'))).toBe(1234);
    expect(parseAnsweredPacketNo(b('1234\r\n\0'))).toBe(1234);
  });

  it('parseAnsweredPacketNo gives -1 for anything that is not one decimal number', () => {
    for (const bad of ['', '\0', 'abc', '12a', '-5', '1 2', '0x10', '12345678901234567']) {
      expect(parseAnsweredPacketNo(b(bad))).toBe(-1);
    }
  });
});
