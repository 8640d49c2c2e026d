import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shownText } from '../../../e2e/lab/personas/display-model';
import { readFeiqEntry } from '../../../e2e/lab/personas/feiq-dialect';
import { gbkIpmsgDialect } from '../../../e2e/lab/personas/gbk-ipmsg-dialect';
import {
  buildEntryExtra,
  concatBytes,
  hasOpt,
  makeCommand,
  Mode,
  modeOf,
  Opt,
} from '../../../shared/protocol';
import type { FakeNetwork } from '../testing/fake-network';
import { fakeLan, packetOf } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { FEIQ, IPMSG, IPTUX, legacy, ScriptedPeer, type Identity } from '../testing/scripted-peer';
import { ENTRY_ANSWER_WINDOW_MS } from './presence';

/**
 * Pigeon's names as the legacy clients show them. Our broadcast entry stays UTF-8 with IPMsg's
 * UTF-8 extension (iptux and IP Messenger read it right); FeiQ converts a whole entry from GBK
 * and keeps raw bytes when that fails, and a GBK IP Messenger reads UTF-8 as mojibake. So each of
 * them is told our names by a unicast ANSENTRY written wholly in its code page. What they show
 * is judged by the lab personas' readers (e2e/lab/personas), not by our own codec.
 */

const A = '10.0.0.1';
const BCAST = '10.0.0.255';
const FEIQ_ADDR = '10.0.0.20';
const IPMSG_ADDR = '10.0.0.30';
const IPTUX_ADDR = '10.0.0.10';
const PORT = 2425;
const NICK = '鸽子Pigeon';
const GROUP = '研发部';
const at = (address: string) => ({ address, port: PORT });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const gbk = (s: string) => legacy(s, 'gbk');
const nul = new Uint8Array([0]);
const names = (nick: Uint8Array, group: Uint8Array) => concatBytes([nick, nul, group, nul]);
/** FeiQ's BR_ENTRY and ANSENTRY commands (0x600001, 0x600003: FILEATTACHOPT|ENCRYPTOPT). */
const FEIQ_ENTRY = 6291457;
const FEIQ_ANSENTRY = 6291459;
const readGbkIpmsgEntry = gbkIpmsgDialect().readEntry;

const dataDirs: string[] = [];
afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-legacy-test-'));
  dataDirs.push(dir);
  return dir;
}

async function peer(net: FakeNetwork, address: string, identity: Identity) {
  const p = await ScriptedPeer.start(net, address, identity);
  p.packetNo = 1_704_067_000;
  return p;
}

/** What a peer last received from us of one mode, parsed. */
function last(p: ScriptedPeer, mode: number) {
  const packet = p.inboxOf(mode).at(-1)?.packet;
  if (!packet) throw new Error(`nothing of mode ${mode} received`);
  return packet;
}

/** Every datagram the engine sent to an address, as modes, in order. */
function modesTo(net: FakeNetwork, address: string) {
  return net.sentTo(address).map((d) => modeOf(packetOf(d)?.command ?? 0));
}

describe('FeiQ (飞秋) and GBK IP Messenger see our nick and group right', () => {
  it('a FeiQ that starts after us gets an ANSENTRY wholly in GBK, and no BR_ABSENCE', async () => {
    const { clock, net } = fakeLan();
    await startEngine(net, A, { nick: NICK, group: GROUP });
    const feiq = await peer(net, FEIQ_ADDR, FEIQ);
    feiq.send(at(BCAST), FEIQ_ENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    await clock.flush();
    const answers = feiq.inboxOf(Mode.ANSENTRY);
    expect(answers).toHaveLength(1);
    const ans = last(feiq, Mode.ANSENTRY);
    expect(hasOpt(ans.command, Opt.UTF8OPT)).toBe(false);
    // nick\0group\0 in GBK and nothing else: no UTF-8 UN/HN/NN/GN section, no iptux field.
    expect(hex(ans.extra)).toBe(hex(names(gbk(NICK), gbk(GROUP))));
    expect(readFeiqEntry(ans.extra)).toEqual({ nick: shownText(NICK), group: shownText(GROUP) });
    // FeiQ ignores BR_ABSENCE: the old GBK BR_ABSENCE "correction" is gone.
    expect(feiq.inboxOf(Mode.BR_ABSENCE)).toEqual([]);
  });

  it('a FeiQ that was there first is sent one GBK ANSENTRY for each of our entries it answers', async () => {
    const { clock, net } = fakeLan();
    const feiq = await peer(net, FEIQ_ADDR, FEIQ);
    const a = await startEngine(net, A, { nick: NICK, group: GROUP });
    // It heard our UTF-8 broadcast entry, and shows raw bytes for it...
    expect(readFeiqEntry(last(feiq, Mode.BR_ENTRY).extra).nick.kind).toBe('raw');
    // ...and answers it (twice: the limited and the directed broadcast each brought a copy).
    feiq.send(at(A), FEIQ_ANSENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    feiq.send(at(A), FEIQ_ANSENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    await clock.flush();
    expect(a.peers()).toMatchObject([{ nick: '飞秋用户', client: 'feiq' }]);
    expect(feiq.inboxOf(Mode.ANSENTRY)).toHaveLength(1);
    expect(readFeiqEntry(last(feiq, Mode.ANSENTRY).extra)).toEqual({
      nick: shownText(NICK),
      group: shownText(GROUP),
    });

    // A later refresh spoils its view again with our UTF-8 entry: its answer is corrected again.
    a.engine.handlers['peers:refresh']();
    await clock.flush();
    feiq.send(at(A), FEIQ_ANSENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    await clock.flush();
    expect(feiq.inboxOf(Mode.ANSENTRY)).toHaveLength(2);
    expect(modesTo(net, FEIQ_ADDR).at(-1)).toBe(Mode.ANSENTRY);
  });

  it('an ANSENTRY nobody asked for (long after our last entry) gets nothing', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: NICK, group: GROUP });
    await clock.advance(ENTRY_ANSWER_WINDOW_MS + 1);
    const feiq = await peer(net, FEIQ_ADDR, FEIQ);
    const before = net.sentFrom(A).length;
    feiq.send(at(A), FEIQ_ANSENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    await clock.flush();
    expect(a.peers()).toMatchObject([{ client: 'feiq', online: true }]);
    expect(net.sentFrom(A).slice(before)).toEqual([]);
  });

  it('an IP Messenger without CAPUTF8OPT gets our names in the configured legacy encoding', async () => {
    for (const [legacyEncoding, nick, group] of [
      ['gb18030', NICK, GROUP],
      ['cp932', '伝書鳩', '開発'],
    ] as const) {
      const { clock, net } = fakeLan();
      await startEngine(net, A, { nick, group, legacyEncoding });
      const ipmsg = await peer(net, IPMSG_ADDR, IPMSG);
      ipmsg.send(at(BCAST), Mode.BR_ENTRY, names(legacy('老王', 'gbk'), legacy('市场部', 'gbk')));
      await clock.flush();
      const ans = last(ipmsg, Mode.ANSENTRY);
      expect(hasOpt(ans.command, Opt.UTF8OPT)).toBe(false);
      expect(hex(ans.extra)).toBe(
        hex(names(legacy(nick, legacyEncoding), legacy(group, legacyEncoding))),
      );
    }
  });

  it('a GBK IP Messenger that was there first shows our names after its answer', async () => {
    const { clock, net } = fakeLan();
    const ipmsg = await peer(net, IPMSG_ADDR, IPMSG);
    await startEngine(net, A, { nick: NICK, group: GROUP });
    expect(readGbkIpmsgEntry(last(ipmsg, Mode.BR_ENTRY).extra).nick).not.toEqual(shownText(NICK));
    ipmsg.send(at(A), Mode.ANSENTRY, names(legacy('老王', 'gbk'), legacy('市场部', 'gbk')));
    await clock.flush();
    expect(readGbkIpmsgEntry(last(ipmsg, Mode.ANSENTRY).extra)).toEqual({
      nick: shownText(NICK),
      group: shownText(GROUP),
    });
  });

  it('clients that read UTF-8 are answered as before: iptux, IP Messenger with CAPUTF8OPT', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: NICK, group: GROUP });
    const iptux = await peer(net, IPTUX_ADDR, IPTUX);
    const ipmsg = await peer(net, IPMSG_ADDR, IPMSG);
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    ipmsg.send(at(BCAST), makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), 'taro\0\0\nNN:taro');
    await clock.flush();
    const settings = a.engine.settings();
    const full = buildEntryExtra({
      nick: NICK,
      group: GROUP,
      user: settings.user,
      host: settings.host,
      encoding: 'utf-8',
      capabilities: ['parts', 'echo', 'proof'],
      installId: a.engine.installId,
    });
    for (const p of [iptux, ipmsg]) {
      expect(p.inboxOf(Mode.ANSENTRY)).toHaveLength(1);
      expect(hex(last(p, Mode.ANSENTRY).extra)).toBe(hex(full));
    }
    // Their answers to a refresh are never answered.
    a.engine.handlers['peers:refresh']();
    await clock.flush();
    iptux.send(at(A), 259, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    ipmsg.send(at(A), makeCommand(Mode.ANSENTRY, Opt.CAPUTF8OPT), 'taro\0\0\nNN:taro');
    await clock.flush();
    expect(iptux.inboxOf(Mode.ANSENTRY)).toHaveLength(1);
    expect(ipmsg.inboxOf(Mode.ANSENTRY)).toHaveLength(1);
  });

  it('a nick change reaches legacy clients by a legacy ANSENTRY, everyone else by BR_ABSENCE', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: NICK, group: GROUP, dataDir: tempDataDir() });
    const feiq = await peer(net, FEIQ_ADDR, FEIQ);
    const ipmsg = await peer(net, IPMSG_ADDR, IPMSG);
    const iptux = await peer(net, IPTUX_ADDR, IPTUX);
    feiq.send(at(BCAST), FEIQ_ENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    ipmsg.send(at(BCAST), Mode.BR_ENTRY, names(legacy('老王', 'gbk'), legacy('市场部', 'gbk')));
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    for (const p of [feiq, ipmsg, iptux]) p.clearInbox();

    a.engine.handlers['settings:update']({ nick: '信鸽Pigeon' });
    await clock.flush();
    expect(readFeiqEntry(last(feiq, Mode.ANSENTRY).extra)).toEqual({
      nick: shownText('信鸽Pigeon'),
      group: shownText(GROUP),
    });
    expect(readGbkIpmsgEntry(last(ipmsg, Mode.ANSENTRY).extra)).toEqual({
      nick: shownText('信鸽Pigeon'),
      group: shownText(GROUP),
    });
    // iptux reads the UTF-8 BR_ABSENCE broadcast, which everyone hears (legacy clients ignore it).
    expect(iptux.inboxOf(Mode.ANSENTRY)).toEqual([]);
    for (const p of [feiq, ipmsg, iptux]) {
      expect(p.inboxOf(Mode.BR_ABSENCE).map((r) => r.packet.extra)).toEqual([
        buildEntryExtra({
          nick: '信鸽Pigeon',
          group: GROUP,
          user: a.engine.settings().user,
          host: a.engine.settings().host,
          encoding: 'utf-8',
          capabilities: ['parts', 'echo', 'proof'],
          installId: a.engine.installId,
        }),
      ]);
    }
  });

  it('introduces itself to a legacy stranger (a SENDMSG from an unknown host) in its code page', async () => {
    const { clock, net } = fakeLan();
    await startEngine(net, A, { nick: NICK, group: GROUP });
    const feiq = await peer(net, FEIQ_ADDR, FEIQ);
    feiq.send(at(A), 288, concatBytes([gbk('你好'), nul]));
    await clock.flush();
    expect(readFeiqEntry(last(feiq, Mode.BR_ENTRY).extra)).toEqual({
      nick: shownText(NICK),
      group: shownText(GROUP),
    });
  });

  it("a one-shot sender's legacy ANSENTRY leaves before its message (pigeon send)", async () => {
    const { clock, net } = fakeLan();
    const feiq = await peer(net, '10.9.9.20', FEIQ); // another subnet: peers:add reaches it
    feiq.autoAck();
    const a = await startEngine(net, A, { nick: '快递鸽', group: GROUP });
    // As the CLI does: announce to the recipient, send once it shows up.
    const ids: string[] = [];
    a.engine.subscribe((e) => {
      if (e.channel === 'peers:online' && e.payload.address === '10.9.9.20')
        ids.push(...a.send(['10.9.9.20'], '快递到了'));
    });
    a.engine.handlers['peers:add']({ address: '10.9.9.20' });
    await clock.flush();
    feiq.send(at(A), FEIQ_ANSENTRY, names(gbk('飞秋用户'), gbk('销售部')));
    // A legacy ack is judged once forged acks had their moment to show (ACK_SETTLE_MS).
    await clock.advance(1000);
    expect(a.message(ids[0])?.delivery?.state).toBe('delivered');
    // Our unicast BR_ENTRY, then our names in GBK, then the message.
    expect(modesTo(net, '10.9.9.20')).toEqual([Mode.BR_ENTRY, Mode.ANSENTRY, Mode.SENDMSG]);
    expect(readFeiqEntry(last(feiq, Mode.ANSENTRY).extra)).toEqual({
      nick: shownText('快递鸽'),
      group: shownText(GROUP),
    });
  });
});
