import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { makeCommand, Mode, Opt } from './commands';
import { clientFromVersion, pigeonVersionField, receiveEncoding, sendEncoding } from './dialect';

const utf8 = (s: string) => new TextEncoder().encode(s);
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));
const SENDMSG = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT);
const SENDMSG_UTF8 = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);

describe('clientFromVersion', () => {
  it.each([
    ['1_pigeon 0.1.0', 'pigeon'],
    ['1_iptux 0.8.3', 'iptux'],
    ['1_iptux 0.10.0', 'iptux'],
    ['1_lbt6_0#128#001122334455#0#0#0#4001#9', 'feiq'],
    ['1_lbt4_10#128#C8600015C0A8#0#0#0#311c#9', 'feiq'],
    ['1', 'ipmsg'],
    [' 1 ', 'ipmsg'],
    ['1@shiyeline', 'unknown'],
    ['1_something', 'unknown'],
  ])('%j is %s', (version, client) => {
    expect(clientFromVersion(version)).toBe(client);
  });

  it('writes our own version so FeiQ lists us (starts with 1_) and we recognise ourselves', () => {
    expect(pigeonVersionField('0.1.0')).toBe('1_pigeon 0.1.0');
    expect(clientFromVersion(pigeonVersionField('9.9.9'))).toBe('pigeon');
  });
});

describe('receiveEncoding (protocol reference section 7, receive policy)', () => {
  const base = { legacy: 'gb18030' as const };

  it('UTF8OPT means UTF-8, whoever sent it and whatever the bytes', () => {
    expect(
      receiveEncoding({ ...base, version: '1', command: SENDMSG_UTF8, body: gbk('你好') }),
    ).toBe('utf-8');
    expect(
      receiveEncoding({
        ...base,
        version: '1_lbt6_0#1#001122334455',
        command: SENDMSG_UTF8,
        body: gbk('你'),
      }),
    ).toBe('utf-8');
  });

  it('FeiQ is GB18030 even when the bytes happen to be valid UTF-8', () => {
    const feiq = { ...base, version: '1_lbt6_0', command: SENDMSG };
    expect(receiveEncoding({ ...feiq, body: utf8('abc') })).toBe('gb18030');
    expect(receiveEncoding({ ...feiq, body: gbk('谢谢') })).toBe('gb18030');
    expect(receiveEncoding({ ...feiq, body: gbk('一') })).toBe('gb18030');
  });

  it("FeiQ's raw UTF-8, for what GBK lacks, is UTF-8 (legacy-or-utf8.test.ts has the rest)", () => {
    const feiq = { ...base, version: '1_lbt4_10#128#C8600015C0A8#0#0#0#311c#9', command: SENDMSG };
    expect(receiveEncoding({ ...feiq, body: utf8('完成✓了') })).toBe('utf-8');
    expect(receiveEncoding({ ...feiq, body: utf8('👍') })).toBe('utf-8');
  });

  it('Pigeon is UTF-8', () => {
    expect(
      receiveEncoding({ ...base, version: '1_pigeon 0.1.0', command: SENDMSG, body: gbk('你好') }),
    ).toBe('utf-8');
  });

  it('iptux: UTF-8 when valid, else GB18030', () => {
    const v = '1_iptux 0.8.3';
    expect(receiveEncoding({ ...base, version: v, command: SENDMSG, body: utf8('你好') })).toBe(
      'utf-8',
    );
    expect(receiveEncoding({ ...base, version: v, command: SENDMSG, body: gbk('你好') })).toBe(
      'gb18030',
    );
  });

  it('others: UTF-8 when valid, else the configured legacy encoding', () => {
    expect(receiveEncoding({ ...base, version: '1', command: SENDMSG, body: utf8('日本') })).toBe(
      'utf-8',
    );
    expect(receiveEncoding({ ...base, version: '1', command: SENDMSG, body: gbk('你好') })).toBe(
      'gb18030',
    );
    expect(
      receiveEncoding({
        version: '1',
        command: SENDMSG,
        body: new Uint8Array([0x93, 0xfa]),
        legacy: 'cp932',
      }),
    ).toBe('cp932');
  });

  it('a learned legacy encoding wins unless the text needs UTF-8 or only UTF-8 reads it', () => {
    const args = { ...base, version: '1', command: SENDMSG, known: 'cp932' as const };
    expect(receiveEncoding({ ...args, body: utf8('plain ascii') })).toBe('cp932');
    expect(receiveEncoding({ ...args, body: utf8('了解✓') })).toBe('utf-8');
    // Not valid CP932 (a lone lead byte at the end), valid UTF-8.
    expect(receiveEncoding({ ...args, body: utf8('日本語') })).toBe('utf-8');
    expect(receiveEncoding({ ...args, body: new Uint8Array([0x93, 0xfa]) })).toBe('cp932');
  });

  it("a GBK peer's text that happens to be valid UTF-8 stays GBK", () => {
    for (const known of ['gbk', 'gb18030'] as const) {
      const args = { ...base, version: '1', command: SENDMSG, known };
      expect(receiveEncoding({ ...args, body: gbk('谢谢') })).toBe(known);
      expect(receiveEncoding({ ...args, body: gbk('一') })).toBe(known);
      expect(receiveEncoding({ ...args, body: utf8('完成✓了') })).toBe('utf-8');
    }
  });
});

describe('sendEncoding (protocol reference section 7, send policy)', () => {
  const caps = (
    client: 'pigeon' | 'ipmsg' | 'iptux' | 'feiq' | 'unknown',
    encoding: 'utf-8' | 'gbk' | 'gb18030' | 'cp932',
    utf8Capable: boolean,
  ) => ({
    client,
    encoding,
    utf8Capable,
  });

  it.each([
    [caps('pigeon', 'utf-8', true), 'utf-8', true],
    [caps('iptux', 'utf-8', true), 'utf-8', true],
    [caps('iptux', 'gb18030', true), 'gb18030', false],
    [caps('feiq', 'gbk', false), 'gbk', false],
    [caps('feiq', 'utf-8', true), 'gbk', false],
    [caps('ipmsg', 'cp932', true), 'utf-8', true],
    [caps('ipmsg', 'cp932', false), 'cp932', false],
    [caps('unknown', 'gb18030', false), 'gb18030', false],
  ])('%o -> %s (UTF8OPT %s)', (peer, encoding, utf8Opt) => {
    expect(sendEncoding(peer)).toEqual({ encoding, utf8Opt });
  });
});
