import { describe, expect, it } from 'vitest';
import { DEFAULT_AWAY_MESSAGE } from '../../../shared/model';
import {
  Mode,
  Opt,
  hasOpt,
  makeCommand,
  parseEntryExtra,
  splitOnNul,
} from '../../../shared/protocol';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { IPMSG, ScriptedPeer } from '../testing/scripted-peer';
import { AWAY_NICK_SUFFIX } from '../presence/presence';
import { AUTO_REPLY_PERIOD_MS } from './auto-reply';

/**
 * The away reply: IPMsg's AUTORETOPT semantics (never acked, never answered, never to a
 * broadcast), and ours on top: only to peers that announced themselves, once per peer per period.
 */

const A = '10.0.0.1';
const at = (address: string) => ({ address, port: 2425 });
const SEND = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT);
const text = (b: Uint8Array) => new TextDecoder().decode(splitOnNul(b)[0] ?? new Uint8Array());

async function lan(away = true, awayMessage = '在开会 / in a meeting') {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock);
  const a = await startEngine(net, A, { nick: 'alice', away, awayMessage });
  const peer = await ScriptedPeer.start(net, '10.0.0.30', IPMSG);
  return { clock, net, a, peer };
}

/** The peer announces itself, as a current IP Messenger does at start-up (UTF-8 capable). */
async function announce(peer: ScriptedPeer, clock: FakeClock) {
  peer.send(at(A), makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT), 'taro\0dev\0');
  await clock.flush();
  peer.clearInbox();
}

const autoReplies = (peer: ScriptedPeer) =>
  peer
    .inboxOf(Mode.SENDMSG)
    .filter((r) => hasOpt(r.packet.command, Opt.AUTORETOPT))
    .map((r) => r.packet);

describe('away: automatic reply', () => {
  it('answers an announced peer once, unacknowledged, with the away text, and shows it', async () => {
    const { clock, a, peer } = await lan();
    await announce(peer, clock);
    peer.send(at(A), SEND, 'are you there?\0');
    await clock.flush();
    const replies = autoReplies(peer);
    expect(replies).toHaveLength(1);
    const reply = must(replies[0]);
    // No SENDCHECKOPT: an automatic reply is never acknowledged.
    expect(hasOpt(reply.command, Opt.SENDCHECKOPT)).toBe(false);
    expect(hasOpt(reply.command, Opt.UTF8OPT)).toBe(true);
    expect(text(reply.extra)).toBe('在开会 / in a meeting');
    // The message itself was acked and shown as any other.
    expect(peer.inboxOf(Mode.RECVMSG)).toHaveLength(1);
    expect(a.received().map((m) => m.text)).toEqual(['are you there?']);
    // Our reply is in the conversation, marked.
    const ours = a.of('chat:message').filter((e) => e.message.direction === 'out');
    expect(ours.map((e) => [e.message.text, e.message.autoReply, e.message.delivery])).toEqual([
      ['在开会 / in a meeting', true, { state: 'sent', attempts: 1 }],
    ]);
  });

  it('answers once per peer per period, then again after it', async () => {
    const { clock, peer } = await lan(true, '');
    await announce(peer, clock);
    peer.send(at(A), SEND, 'one\0');
    peer.send(at(A), SEND, 'two\0');
    await clock.flush();
    await clock.advance(AUTO_REPLY_PERIOD_MS - 1000);
    peer.send(at(A), SEND, 'three\0');
    await clock.flush();
    expect(autoReplies(peer).map((r) => text(r.extra))).toEqual([DEFAULT_AWAY_MESSAGE]);
    await clock.advance(1000);
    peer.send(at(A), SEND, 'four\0');
    await clock.flush();
    expect(autoReplies(peer)).toHaveLength(2);
  });

  it('never answers an automatic reply (and never acks it), nor a broadcast', async () => {
    const { clock, a, peer } = await lan();
    await announce(peer, clock);
    peer.send(at(A), makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.AUTORETOPT), 'away too\0');
    peer.send(at(A), makeCommand(Mode.SENDMSG, Opt.BROADCASTOPT), 'to everyone\0');
    await clock.flush();
    expect(autoReplies(peer)).toEqual([]);
    expect(peer.inboxOf(Mode.RECVMSG)).toEqual([]);
    // Both are shown; the automatic one is marked as such.
    expect(a.received().map((m) => [m.text, m.autoReply ?? false])).toEqual([
      ['away too', true],
      ['to everyone', false],
    ]);
  });

  it('never answers a source that did not announce itself, nor one forged from elsewhere', async () => {
    const { clock, net, peer } = await lan();
    // Unannounced: its message is shown (as IPMsg does) but gets no reply.
    peer.send(at(A), SEND, 'hi from nowhere\0');
    await clock.flush();
    expect(autoReplies(peer)).toEqual([]);
    // A forger writes "from" a victim that never announced: nothing goes to the victim.
    const victim = await ScriptedPeer.start(net, '10.0.0.99', IPMSG);
    net.inject(peer.datagram(SEND, 'aimed\0', 77), at('10.0.0.99'), at(A));
    await clock.flush();
    expect(autoReplies(victim)).toEqual([]);
  });

  it('sends nothing when not away', async () => {
    const { clock, peer } = await lan(false);
    await announce(peer, clock);
    peer.send(at(A), SEND, 'hello\0');
    await clock.flush();
    expect(autoReplies(peer)).toEqual([]);
  });

  it('caps replies in all, however many peers announce themselves', async () => {
    const { clock, net } = await lan();
    const peers: ScriptedPeer[] = [];
    for (let i = 0; i < 40; i++) {
      const p = await ScriptedPeer.start(net, `10.0.0.${100 + i}`, IPMSG);
      await announce(p, clock);
      peers.push(p);
    }
    for (const p of peers) p.send(at(A), SEND, 'ping\0');
    await clock.flush();
    const answered = peers.filter((p) => autoReplies(p).length > 0).length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(20);
  });
});

describe('away: presence', () => {
  it('entries carry ABSENCEOPT and the nick shows [away]; going away tells everyone', async () => {
    const { clock, a, peer } = await lan(false);
    await announce(peer, clock);
    a.engine.handlers['settings:update']({ away: true });
    await clock.flush();
    const absence = peer.inboxOf(Mode.BR_ABSENCE);
    expect(absence.length).toBeGreaterThan(0);
    const p = must(absence[0]).packet;
    expect(hasOpt(p.command, Opt.ABSENCEOPT)).toBe(true);
    expect(parseEntryExtra(p.extra, 'utf-8').nick).toBe(`alice${AWAY_NICK_SUFFIX}`);
    // And back: the mark and the bit go.
    peer.clearInbox();
    a.engine.handlers['settings:update']({ away: false });
    await clock.flush();
    const back = must(peer.inboxOf(Mode.BR_ABSENCE)[0]).packet;
    expect(hasOpt(back.command, Opt.ABSENCEOPT)).toBe(false);
    expect(parseEntryExtra(back.extra, 'utf-8').nick).toBe('alice');
  });

  it('answers GETABSENCEINFO with the away text while away', async () => {
    const { clock, peer } = await lan(true, 'back at 3');
    await announce(peer, clock);
    peer.send(at(A), Mode.GETABSENCEINFO, '');
    await clock.flush();
    expect(text(must(peer.inboxOf(Mode.SENDABSENCEINFO)[0]).packet.extra)).toBe('back at 3');
  });

  it('another Pigeon shows the away state, without the mark in the nick', async () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    await startEngine(net, A, { nick: 'alice', away: true });
    const b = await startEngine(net, '10.0.0.2', { nick: 'bob' });
    await clock.flush();
    const alice = b.peers().find((p) => p.address === A);
    expect(alice?.nick).toBe('alice');
    expect(alice?.away).toBe(true);
  });
});

/** The value a test expects to be there (a clear failure when it is not). */
function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}
