import { describe, expect, it } from 'vitest';
import { hasOpt, makeCommand, Mode, modeOf, Opt } from '../../../shared/protocol';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, packetOf } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { IPTUX, ScriptedPeer } from '../testing/scripted-peer';
import { ACK_SETTLE_MS } from '../messaging/delivery-queue';
import type { PresenceMode } from './presence-mode';

/**
 * What a one-shot command's engine tells the LAN. `only` mode: its recipients hear it arrive
 * and leave, by unicast without DIALUPOPT; the colleagues around them hear nothing at all.
 */

const A = '10.0.0.1';
const BCAST = '10.0.0.255';
const TARGET = '10.0.0.10';
const BYSTANDER = '10.0.0.20';
const DIALUP = '10.0.0.30';
const PORT = 2425;
const at = (address: string) => ({ address, port: PORT });
const iptuxNames = 'iptux-peer\0lab\0icon-tux.png\0utf-8\0';

/** What a scripted peer received from the engine (it hears its own broadcasts too). */
const fromA = (p: ScriptedPeer) => p.inbox().filter((r) => r.from.address === A);

const PRESENCE_MODES: readonly number[] = [
  Mode.BR_ENTRY,
  Mode.ANSENTRY,
  Mode.BR_EXIT,
  Mode.BR_ABSENCE,
];

type Sent = { to: string; mode: number; dialup: boolean };

async function lanWith(mode: PresenceMode | undefined) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock);
  const target = await ScriptedPeer.start(net, TARGET, IPTUX);
  const bystander = await ScriptedPeer.start(net, BYSTANDER, IPTUX);
  const dialup = await ScriptedPeer.start(net, DIALUP, IPTUX);
  target.autoAck();
  const node = await startEngine(net, A, {}, mode === undefined ? {} : { presence: mode });
  /** Presence packets the engine sent since `from` (an index into the log). */
  const presenceSent = (from = 0): Sent[] =>
    net.log
      .slice(from)
      .filter((d) => d.from.address === A)
      .map((d) => ({ d, p: packetOf(d) }))
      .filter(({ p }) => PRESENCE_MODES.includes(modeOf(p?.command ?? 0)))
      .map(({ d, p }) => ({
        to: d.to.address,
        mode: modeOf(p?.command ?? 0),
        dialup: hasOpt(p?.command ?? 0, Opt.DIALUPOPT),
      }));
  return { clock, net, node, target, bystander, dialup, presenceSent };
}

describe('presence mode of an engine', () => {
  it("'lan' (the default): broadcast entry and exit, DIALUPOPT peers told by unicast", async () => {
    const { clock, node, dialup, presenceSent } = await lanWith(undefined);
    expect(presenceSent()).toContainEqual({ to: BCAST, mode: Mode.BR_ENTRY, dialup: false });
    // A peer that asks for unicast presence (DIALUPOPT) is told of our exit by unicast too.
    dialup.send(at(A), makeCommand(Mode.BR_ENTRY, Opt.DIALUPOPT), iptuxNames);
    await clock.flush();
    const before = presenceSent().length;
    await node.engine.stop();
    await clock.flush();
    const exits = presenceSent().slice(before);
    expect(exits).toContainEqual({ to: BCAST, mode: Mode.BR_EXIT, dialup: false });
    expect(exits).toContainEqual({ to: DIALUP, mode: Mode.BR_EXIT, dialup: true });
  });

  it('{ only }: an entry to each target alone, by unicast without DIALUPOPT', async () => {
    const { presenceSent, target, bystander } = await lanWith({ only: [TARGET] });
    expect(presenceSent()).toEqual([{ to: TARGET, mode: Mode.BR_ENTRY, dialup: false }]);
    expect(target.inboxOf(Mode.BR_ENTRY)).toHaveLength(1);
    expect(fromA(bystander)).toEqual([]);
  });

  it('{ only }: goodbye to the targets alone, even to peers that were heard from', async () => {
    const { clock, node, target, bystander, dialup, presenceSent } = await lanWith({
      only: [`${TARGET}:${PORT}`],
    });
    target.send(at(A), Mode.ANSENTRY, iptuxNames);
    // Colleagues announce themselves meanwhile (one asking for unicast presence): not answered.
    bystander.send(at(BCAST), Mode.BR_ENTRY, iptuxNames);
    dialup.send(at(BCAST), makeCommand(Mode.BR_ENTRY, Opt.DIALUPOPT), iptuxNames);
    await clock.flush();
    expect(
      node
        .peers()
        .map((p) => p.address)
        .sort(),
    ).toEqual([TARGET, BYSTANDER, DIALUP]);
    await node.engine.stop();
    await clock.flush();
    expect(presenceSent()).toEqual([
      { to: TARGET, mode: Mode.BR_ENTRY, dialup: false },
      { to: TARGET, mode: Mode.BR_EXIT, dialup: false },
    ]);
    expect(fromA(bystander)).toEqual([]);
    expect(fromA(dialup)).toEqual([]);
  });

  it('{ only }: a message to a target is delivered, and a name change reaches it alone', async () => {
    const { clock, node, target, bystander, presenceSent } = await lanWith({ only: [TARGET] });
    target.send(at(A), Mode.ANSENTRY, iptuxNames);
    await clock.flush();
    const [id] = node.send([`${TARGET}:${PORT}`], 'hi');
    // An ack counts once no forged one came around it (delivery-queue.ts).
    await clock.advance(ACK_SETTLE_MS + 100);
    expect(node.message(id)?.delivery?.state).toBe('delivered');
    const before = presenceSent().length;
    await node.engine.request('settings:update', { nick: 'renamed' });
    await clock.flush();
    expect(presenceSent().slice(before)).toEqual([
      { to: TARGET, mode: Mode.BR_ABSENCE, dialup: false },
    ]);
    expect(fromA(bystander)).toEqual([]);
  });

  it('{ only }: peers:add introduces us without DIALUPOPT', async () => {
    const { clock, node, presenceSent } = await lanWith({ only: [TARGET] });
    const before = presenceSent().length;
    await node.engine.request('peers:add', { address: TARGET, port: PORT });
    await clock.flush();
    expect(presenceSent().slice(before)).toEqual([
      { to: TARGET, mode: Mode.BR_ENTRY, dialup: false },
    ]);
  });

  it('a bad target is a programming error, said at once', () => {
    const clock = new FakeClock();
    const net = new FakeNetwork(clock);
    return expect(
      startEngine(net, A, {}, { presence: { only: ['not-an-address'] } }),
    ).rejects.toThrow(/not ADDR or ADDR:PORT/);
  });
});
