import { describe, expect, it } from 'vitest';
import { shownRaw, shownText } from './display-model';
import type { Dialect } from './dialect';
import { FEIQ_FONT, feiqDialect, readFeiqEntry, readFeiqText } from './feiq-dialect';
import { decodeGbkStrict, encodeGbkStrict } from './gbk';
import { gbkIpmsgDialect } from './gbk-ipmsg-dialect';
import { Cmd, modeOf, parsePacket } from './ipmsg-packet';
import { PersonaCore, type Outgoing } from './persona-core';

/**
 * The personas must be right about the clients they stand for, or the namespace suite proves
 * nothing. Bytes here are written out by hand (never by Pigeon's encoder).
 */

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const gbk = (s: string) => {
  const b = encodeGbkStrict(s);
  if (!b) throw new Error(`no GBK for ${s}`);
  return b;
};
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const nul = new Uint8Array([0]);
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

// What an IPMsg-style UTF-8 entry looks like: names, then the UTF-8 extension (reference §1).
const utf8Entry = join(
  utf8('鸽子Pigeon'),
  nul,
  utf8('研发部'),
  nul,
  utf8('\nUN:pigeon\nHN:box\nNN:鸽子Pigeon\nGN:研发部\nPC:parts'),
  nul,
  ascii('utf-8'),
  nul,
);

describe('GBK as iconv sees it', () => {
  it('takes GBK and rejects a buffer with one bad pair anywhere', () => {
    expect(decodeGbkStrict(join(gbk('谢谢'), nul, gbk('研发部')))).toEqual({
      ok: true,
      text: '谢谢\0研发部',
    });
    // UTF-8 研发部 is nine bytes: the last lead byte meets the NUL.
    expect(decodeGbkStrict(utf8('研发部\0'))).toEqual({ ok: false });
    expect(decodeGbkStrict(utf8Entry)).toEqual({ ok: false });
  });

  it('has no code for ✓ or emoji', () => {
    expect(encodeGbkStrict('完成✓了')).toBeUndefined();
    expect(encodeGbkStrict('👍')).toBeUndefined();
    expect(Buffer.from(gbk('谢谢')).toString('hex')).toBe('d0bbd0bb');
  });
});

describe('FeiQ dialect', () => {
  it('shows GBK names, mojibake for valid-GBK UTF-8, raw bytes when the whole entry fails', () => {
    expect(readFeiqEntry(join(gbk('飞秋小李'), nul, gbk('销售部'), nul))).toEqual({
      nick: shownText('飞秋小李'),
      group: shownText('销售部'),
    });
    expect(readFeiqEntry(join(utf8('鸽子Pigeon'), nul, nul))).toEqual({
      nick: shownText('楦藉瓙Pigeon'),
      group: shownText(''),
    });
    expect(readFeiqEntry(utf8Entry)).toEqual({
      nick: shownRaw(utf8('鸽子Pigeon')),
      group: shownRaw(utf8('研发部')),
    });
    // GBK names do not help while a UTF-8 extension follows them: the whole extra is converted.
    const gbkWithExtension = join(
      gbk('鸽子Pigeon'),
      nul,
      gbk('研发部'),
      nul,
      utf8('\nGN:研发部'),
      nul,
    );
    expect(readFeiqEntry(gbkWithExtension).nick).toEqual(shownRaw(gbk('鸽子Pigeon')));
  });

  it('reads texts as GBK without the font tail, and keeps raw bytes when that fails', () => {
    expect(readFeiqText(join(gbk(`谢谢{${FEIQ_FONT}}`), nul))).toEqual(shownText('谢谢'));
    expect(readFeiqText(join(utf8('OK✓'), nul))).toEqual(shownRaw(utf8('OK✓')));
  });

  it('writes GBK when it can and raw UTF-8 when GBK lacks a character, tail in GBK', () => {
    const d = feiqDialect();
    expect(Buffer.from(d.writeText('谢谢'))).toEqual(
      Buffer.concat([gbk('谢谢'), ascii('{'), gbk(FEIQ_FONT), ascii('}')]),
    );
    expect(Buffer.from(d.writeText('完成✓了'))).toEqual(
      Buffer.concat([utf8('完成✓了'), ascii('{'), gbk(FEIQ_FONT), ascii('}')]),
    );
    expect(Buffer.from(feiqDialect({ fontTail: false }).writeText('👍'))).toEqual(
      Buffer.from(utf8('👍')),
    );
  });
});

describe('plain GBK IPMsg dialect', () => {
  it('reads nick and group as GBK, ignoring the UTF-8 extension', () => {
    const d = gbkIpmsgDialect();
    expect(d.readEntry(utf8Entry).nick).toEqual(shownText('楦藉瓙Pigeon'));
    expect(
      d.readEntry(join(gbk('鸽子Pigeon'), nul, gbk('研发部'), nul, utf8('\nNN:x'), nul)),
    ).toEqual({ nick: shownText('鸽子Pigeon'), group: shownText('研发部') });
    expect(d.readText(join(utf8('完成✓了'), nul))).toEqual(shownText('瀹屾垚鉁撲簡'));
  });
});

/** A core on a fake clock, with everything it sends collected. */
function rig(dialect: Dialect) {
  const sent: Outgoing[] = [];
  let now = 1_700_000_000_000;
  const timers: { at: number; fn: () => void }[] = [];
  const core = new PersonaCore(
    dialect,
    { nick: '老王', group: '市场部', user: 'laowang', host: 'GBK-PC', address: '198.18.0.20' },
    ['198.18.0.255'],
    (o) => sent.push(o),
    { now: () => now, later: (ms, fn) => timers.push({ at: now + ms, fn }) },
  );
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = until;
  };
  const modes = () => sent.map((o) => modeOf(parsePacket(o.bytes)?.command ?? -1));
  const from = (cmd: number, no: number, extra: Uint8Array, ver = '1_pigeon 0.1.0') =>
    core.receive('198.18.0.11', join(ascii(`${ver}:${no}:pigeon:box:${cmd}:`), extra));
  return { core, sent, advance, modes, from };
}

describe('the shared persona behaviour', () => {
  it('answers an entry, learns names from ANSENTRY, and ignores BR_ABSENCE', () => {
    const r = rig(gbkIpmsgDialect());
    r.from(Cmd.BR_ENTRY, 1, join(gbk('鸽子'), nul, gbk('研发部'), nul));
    expect(r.modes()).toEqual([]); // IPMsg waits up to a second before it answers
    r.advance(1100);
    expect(r.modes()).toEqual([Cmd.ANSENTRY]);
    r.from(Cmd.BR_ABSENCE, 2, join(gbk('信鸽'), nul, gbk('研发部'), nul));
    expect(r.core.snapshot().peers[0]?.nick).toEqual(shownText('鸽子'));
    r.from(Cmd.ANSENTRY, 3, join(gbk('信鸽'), nul, gbk('研发部'), nul));
    expect(r.core.snapshot().peers[0]?.nick).toEqual(shownText('信鸽'));
    expect(r.modes()).toEqual([Cmd.ANSENTRY]); // nobody answers ANSENTRY or BR_ABSENCE
  });

  it('acks every copy of a text and shows it once', () => {
    const r = rig(gbkIpmsgDialect());
    r.from(Cmd.SENDMSG | 0x100, 7, join(gbk('你好'), nul));
    r.from(Cmd.SENDMSG | 0x100, 7, join(gbk('你好'), nul));
    expect(r.modes().filter((m) => m === Cmd.RECVMSG)).toHaveLength(2);
    expect(r.core.snapshot().texts.map((t) => t.text)).toEqual([shownText('你好')]);
    // A stranger: IPMsg introduces itself (BR_ENTRY) and lists it under its login name.
    expect(r.modes()).toContain(Cmd.BR_ENTRY);
    expect(r.core.snapshot().peers[0]?.nick).toEqual(shownText('pigeon'));
  });

  it('plain IPMsg resends an unacked text 4 times, then gives up', () => {
    const r = rig(gbkIpmsgDialect());
    const no = r.core.sendText('198.18.0.11', '在吗');
    r.advance(10_000);
    expect(r.modes().filter((m) => m === Cmd.SENDMSG)).toHaveLength(5);
    expect(r.core.snapshot().sent.find((s) => s.packetNo === no)?.state).toBe('timed-out');
  });

  it('FeiQ types around a text, sends once, and counts an ack', () => {
    const r = rig(feiqDialect());
    const no = r.core.sendText('198.18.0.11', '谢谢');
    expect(r.modes()).toEqual([Cmd.INPUTING, Cmd.SENDMSG, Cmd.INPUTING]);
    r.from(Cmd.RECVMSG, 9, ascii(`${no}\0`));
    r.advance(10_000);
    expect(r.modes().filter((m) => m === Cmd.SENDMSG)).toHaveLength(1);
    expect(r.core.snapshot().sent[0]?.state).toBe('acked');
  });

  it('FeiQ opens a window on ANSENTRY and answers OPEN_YOU', () => {
    const r = rig(feiqDialect());
    r.from(Cmd.ANSENTRY, 1, join(gbk('鸽子'), nul, nul));
    r.from(Cmd.OPEN_YOU, 2, nul);
    expect(r.modes()).toEqual([Cmd.OPEN_YOU, Cmd.RESP_YOU]);
  });

  it('drops its own broadcasts', () => {
    const r = rig(feiqDialect());
    r.core.receive(
      '198.18.0.20',
      join(ascii('1_lbt6_0#128#00163E120014#0#0#0#4001#9:5:laowang:GBK-PC:6291457:'), gbk('老王')),
    );
    expect(r.core.snapshot().received).toEqual([]);
  });
});
