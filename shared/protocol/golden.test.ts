import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { latin1Bytes, latin1Text, trimTrailingNuls } from './bytes';
import { hasOpt, makeCommand, Mode, modeName, modeOf, Opt } from './commands';
import { clientFromVersion, receiveEncoding } from './dialect';
import { decodeLenient, decodeText } from './encoding';
import { displayNames, parseEntryExtra } from './entry';
import { cleanFeiqText, FEIQ_IMAGE_PLACEHOLDER, parseFeiqVersion } from './feiq';
import { parseMessageBody } from './message-body';
import { buildDatagram, parseDatagram, type WirePacket } from './packet';

/**
 * The packets real clients put on the wire, byte for byte: iptux 0.8.3 from the lab
 * (shared/lab/README.md, "Exact packets iptux sent"), IPMsg and FeiQ from the protocol
 * reference. Each is parsed and interpreted exactly as the engine does, and rebuilt.
 */

/** Latin-1 string with \0 and \xNN escapes -> the exact bytes. */
const raw = (s: string) => latin1Bytes(s);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));
const cp932 = (s: string) => new Uint8Array(iconv.encode(s, 'cp932'));
const utf8 = (s: string) => new TextEncoder().encode(s);

function parse(bytes: Uint8Array): WirePacket {
  const r = parseDatagram(bytes);
  if (!r.ok) throw new Error(r.error.message);
  // Rebuilding gives the very same bytes.
  expect(Array.from(buildDatagram(r.value))).toEqual(Array.from(bytes));
  return r.value;
}

function textOf(p: WirePacket, legacy: 'gb18030' | 'cp932' = 'gb18030'): string {
  const body = parseMessageBody(p.extra);
  const encoding = receiveEncoding({
    version: p.version,
    command: p.command,
    body: body.text,
    legacy,
  });
  const d = decodeText(body.text, encoding);
  if (!d.ok) throw new Error(d.reason);
  return d.text;
}

describe('iptux 0.8.3 (lab)', () => {
  const header = (no: number, cmd: number) => `1_iptux 0.8.3:${no}:root:lab-iptux:${cmd}:`;

  it('start-up BR_ENTRY 257: nick\\0group\\0icon\\0utf-8\\0', () => {
    const p = parse(raw(`${header(1, 257)}iptux-peer\0lab\0icon-tux.png\0utf-8\0`));
    expect(p).toMatchObject({ version: '1_iptux 0.8.3', packetNo: 1, command: 257 });
    expect(latin1Text(p.user)).toBe('root');
    expect(latin1Text(p.host)).toBe('lab-iptux');
    expect(modeName(p.command)).toBe('BR_ENTRY');
    expect(hasOpt(p.command, Opt.ABSENCEOPT)).toBe(true);
    expect(hasOpt(p.command, Opt.UTF8OPT) || hasOpt(p.command, Opt.CAPUTF8OPT)).toBe(false);
    expect(clientFromVersion(p.version)).toBe('iptux');
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      legacy: 'gb18030',
    });
    expect(encoding).toBe('utf-8');
    const info = parseEntryExtra(p.extra, encoding);
    expect(info).toMatchObject({
      nick: 'iptux-peer',
      group: 'lab',
      icon: 'icon-tux.png',
      encodingName: 'utf-8',
      declaredEncoding: 'utf-8',
    });
  });

  it('ANSENTRY 259 answering our BR_ENTRY', () => {
    const p = parse(raw(`${header(5, 259)}iptux-peer\0lab\0icon-tux.png\0utf-8\0`));
    expect(modeOf(p.command)).toBe(Mode.ANSENTRY);
    expect(hasOpt(p.command, Opt.ABSENCEOPT)).toBe(true);
    expect(displayNames(parseEntryExtra(p.extra, 'utf-8'))).toEqual({
      nick: 'iptux-peer',
      group: 'lab',
    });
  });

  it.each([
    [7, '1795539442'],
    [7, '1795539309'],
  ])('RECVMSG 289 (with SENDCHECKOPT) and a trailing NUL: packet %i acks %s', (no, acked) => {
    const p = parse(raw(`${header(no, 289)}${acked}\0`));
    expect(p.command).toBe(makeCommand(Mode.RECVMSG, Opt.SENDCHECKOPT));
    expect(Number(latin1Text(trimTrailingNuls(p.extra)))).toBe(Number(acked));
  });

  it('SENDMSG 288 with UTF-8 Chinese and a trailing NUL', () => {
    const p = parse(raw(`${header(8, 288)}hello from iptux \xe4\xbd\xa0\xe5\xa5\xbd #2417\0`));
    expect(p.command).toBe(makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT));
    expect(textOf(p)).toBe('hello from iptux 你好 #2417');
  });

  it('GETFILEDATA 96 over TCP: packetNo:fileID:offset, all hex', () => {
    const p = parse(raw(`${header(10, 96)}6b05c1f5:1:0\0`));
    expect(modeOf(p.command)).toBe(Mode.GETFILEDATA);
    const [pkt, fid, offset] = latin1Text(trimTrailingNuls(p.extra)).split(':');
    expect(parseInt(pkt ?? '', 16)).toBe(0x6b05c1f5);
    expect(parseInt(fid ?? '', 16)).toBe(1);
    expect(parseInt(offset ?? '', 16)).toBe(0);
  });

  it('BR_EXIT 65538 (DIALUPOPT) with an empty extra', () => {
    const p = parse(raw(`${header(12, 65538)}\0`));
    expect(modeOf(p.command)).toBe(Mode.BR_EXIT);
    expect(hasOpt(p.command, Opt.DIALUPOPT)).toBe(true);
    expect(parseEntryExtra(p.extra, 'utf-8')).toMatchObject({ nick: '', group: '' });
  });

  it('file offer 0x200020: text\\0 then the attachment list', () => {
    const p = parse(raw(`${header(9, 0x200020)}\x001:probe-file-1.txt:a50:6b05b363:1:\x07\0`));
    expect(hasOpt(p.command, Opt.FILEATTACHOPT)).toBe(true);
    const body = parseMessageBody(p.extra);
    expect(body.text.length).toBe(0);
    expect(latin1Text(body.attachments)).toBe('1:probe-file-1.txt:a50:6b05b363:1:\x07');
  });

  it('picture over TCP: SENDSUBLAYER|MSGPICOPT 765, header then NUL', () => {
    const p = parse(raw(`${header(13, 765)}\0`));
    expect(modeName(p.command)).toBe('IPTUX_SENDSUBLAYER');
  });
});

describe('IP Messenger', () => {
  const ENTRY_STATUS = makeCommand(
    Mode.BR_ENTRY,
    Opt.FILEATTACHOPT,
    Opt.CLIPBOARDOPT,
    Opt.CAPUTF8OPT,
    Opt.CAPFILEENCOPT,
  );

  it('BR_ENTRY: CP932 nick and group, the UTF-8 UN/HN/NN/GN/VS section, no trailing NUL', () => {
    const bytes = cat(
      raw(`1:1700000001:taro:TARO-PC:${ENTRY_STATUS}:`),
      cp932('山田太郎'),
      raw('\0'),
      cp932('開発部'),
      raw('\0'),
      utf8('\nUN:taro\nHN:TARO-PC\nNN:山田太郎\nGN:開発部\nVS:20000:4:99:3'),
    );
    expect(bytes[bytes.length - 1]).not.toBe(0);
    const p = parse(bytes);
    expect(clientFromVersion(p.version)).toBe('ipmsg');
    expect(hasOpt(p.command, Opt.CAPUTF8OPT)).toBe(true);
    expect(hasOpt(p.command, Opt.UTF8OPT)).toBe(false);
    // Mixed encodings in one packet: not valid UTF-8, so the legacy encoding is used...
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      legacy: 'cp932',
    });
    expect(encoding).toBe('cp932');
    const info = parseEntryExtra(p.extra, encoding);
    expect(info.nick).toBe('山田太郎');
    // ...and the UTF-8 section gives the names whatever the legacy guess was.
    const guessedWrong = parseEntryExtra(p.extra, 'gb18030');
    expect(displayNames(guessedWrong)).toEqual({ nick: '山田太郎', group: '開発部' });
    expect(guessedWrong.ext).toMatchObject({ user: 'taro', host: 'TARO-PC', vs: '20000:4:99:3' });
  });

  it('ANSENTRY: nick\\0group\\0\\nVS:... with UTF8OPT', () => {
    const cmd = makeCommand(Mode.ANSENTRY, Opt.UTF8OPT, Opt.CAPUTF8OPT, Opt.FILEATTACHOPT);
    const p = parse(
      cat(raw(`1:1700000002:taro:TARO-PC:${cmd}:`), utf8('山田\0開発\0\nVS:20000:4:99:3')),
    );
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      legacy: 'gb18030',
    });
    expect(encoding).toBe('utf-8');
    expect(displayNames(parseEntryExtra(p.extra, encoding))).toEqual({
      nick: '山田',
      group: '開発',
    });
  });

  it('a SENDMSG and its retry with 64 NULs appended read the same', () => {
    const cmd = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);
    const first = cat(raw(`1:1700000003:taro:TARO-PC:${cmd}:`), utf8('こんにちは\0'));
    const retry = cat(first, new Uint8Array(64));
    const a = parse(first);
    const b = parse(retry);
    expect(b.packetNo).toBe(a.packetNo);
    expect(textOf(b)).toBe('こんにちは');
    expect(textOf(a)).toBe(textOf(b));
  });

  it('a legacy SENDMSG in CP932 (no UTF8OPT)', () => {
    const p = parse(
      cat(raw('1:1700000004:taro:TARO-PC:288:'), cp932('会議は3時から\nよろしく'), raw('\0')),
    );
    expect(textOf(p, 'cp932')).toBe('会議は3時から\nよろしく');
  });

  it('RECVMSG whose header names are CP932 (IPMsg never sets UTF8OPT on it)', () => {
    const p = parse(
      cat(raw('1:1700000005:'), cp932('太郎'), raw(':'), cp932('端末'), raw(':33:1700000099\0')),
    );
    expect(decodeLenient(p.user, 'cp932')).toBe('太郎');
    expect(Number(latin1Text(trimTrailingNuls(p.extra)))).toBe(1700000099);
  });

  it('an extra with CRLF line breaks keeps them on the wire (normalised later)', () => {
    const p = parse(raw('1:1700000006:taro:pc:288:a\r\nb\0'));
    expect(textOf(p)).toBe('a\r\nb');
  });
});

describe('FeiQ', () => {
  const version = '1_lbt6_0#128#001122334455#0#0#0#4001#9';

  it('BR_ENTRY 6291457 (FILEATTACHOPT|ENCRYPTOPT) with GBK names', () => {
    const p = parse(
      cat(
        raw(`${version}:1700000100:feiq:FEIQ-PC:6291457:`),
        gbk('飞秋用户'),
        raw('\0'),
        gbk('销售部'),
        raw('\0'),
      ),
    );
    expect(modeOf(p.command)).toBe(Mode.BR_ENTRY);
    expect(hasOpt(p.command, Opt.FILEATTACHOPT) && hasOpt(p.command, Opt.ENCRYPTOPT)).toBe(true);
    expect(clientFromVersion(p.version)).toBe('feiq');
    expect(parseFeiqVersion(p.version)).toEqual({ mac: '001122334455' });
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: p.extra,
      legacy: 'gb18030',
    });
    expect(encoding).toBe('gb18030');
    expect(displayNames(parseEntryExtra(p.extra, encoding))).toEqual({
      nick: '飞秋用户',
      group: '销售部',
    });
  });

  it('SENDMSG 288 in GBK with a font tail that cleanFeiqText strips', () => {
    const p = parse(
      cat(
        raw(`${version}:1700000101:feiq:FEIQ-PC:288:`),
        gbk('下午三点开会{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}'),
        raw('\0'),
      ),
    );
    const text = textOf(p);
    expect(text).toBe('下午三点开会{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}');
    expect(cleanFeiqText(text)).toBe('下午三点开会');
  });

  it('an inline image marker /~#>ID<B~ becomes a placeholder', () => {
    const p = parse(
      cat(
        raw(`${version}:1700000102:feiq:FEIQ-PC:288:`),
        gbk('看这个/~#>{8F3A}1699999999<B~{/font;-12 0 0 0 400 0 0 0 134 0 0 2 32 宋体 0;}'),
        raw('\0'),
      ),
    );
    expect(cleanFeiqText(textOf(p))).toBe(`看这个${FEIQ_IMAGE_PLACEHOLDER}`);
  });

  it('older 1_lbt4 version fields stop early and still parse', () => {
    const p = parse(raw('1_lbt4_0#128#001122334455#0#0#0:1700000103:feiq:PC:121:'));
    expect(modeName(p.command)).toBe('FEIQ_INPUTING');
    expect(clientFromVersion(p.version)).toBe('feiq');
  });
});
