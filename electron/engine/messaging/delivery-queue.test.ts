import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import { latin1Bytes, makeCommand, Mode, Opt } from '../../../shared/protocol';
import { ACK_SETTLE_MS, DeliveryQueue, type OutgoingItem } from './delivery-queue';
import { MAX_GAP, PacketNumbers, type CounterStore } from '../packet-numbers';
import { RandomPool } from '../random-pool';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, packetOf } from '../testing/fake-network';
import { Wire } from '../wire';

const CMD = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT);

/** Randomness that always takes the widest gap: a forger's top guess is then the real number. */
class WidestGaps extends RandomPool {
  override step(max: number): number {
    return max;
  }
}

/** A data directory's counter file, in memory, where an earlier run left `highWater`. */
const savedCounter = (highWater: number): CounterStore => ({
  where: '/data/packet-counter.json',
  load: () => ({ highWater }),
  save: () => undefined,
});

async function setup(
  opts: {
    retryMs?: number;
    maxRetries?: number;
    sendError?: boolean;
    random?: RandomPool;
    counter?: CounterStore;
  } = {},
) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock, {
    sendError: opts.sendError ? () => new Error('send ENETUNREACH') : undefined,
  });
  const socket = net.socket('10.0.0.1');
  await socket.bind('0.0.0.0', 2425);
  const numbers = new PacketNumbers(() => clock.now(), opts.random);
  if (opts.counter) numbers.open(opts.counter);
  const wire = new Wire(socket, numbers, {
    version: '1_pigeon test',
    user: 'u',
    host: 'h',
  });
  const states: { id: string; state: DeliveryState }[] = [];
  const queue = new DeliveryQueue({
    clock,
    wire,
    retryMs: opts.retryMs ?? 1000,
    maxRetries: opts.maxRetries ?? 4,
    onState: (item, state) => states.push({ id: item.messageId, state }),
  });
  const item = (id: string, address = '10.0.0.2', parts = ['hello']): OutgoingItem => ({
    messageId: id,
    peerId: `${address}:2425`,
    address,
    port: 2425,
    label: `peer ${address}`,
    command: CMD,
    extras: parts.map((p) => latin1Bytes(`${p}\0`)),
    proofRequired: false,
  });
  /** SENDMSG datagrams on the wire, parsed. */
  const wireLog = () =>
    net.log.map((d) => ({ d, p: packetOf(d) })).filter((x) => x.p !== undefined) as {
      d: (typeof net.log)[number];
      p: NonNullable<ReturnType<typeof packetOf>>;
    }[];
  const statesOf = (id: string) => states.filter((s) => s.id === id).map((s) => s.state);
  return { clock, net, wire, queue, item, wireLog, statesOf };
}

describe('DeliveryQueue', () => {
  it('queued -> sent -> delivered on the matching ack, once no forged ack showed around it', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1'));
    await clock.flush();
    const [first] = wireLog();
    expect(first?.p.command).toBe(CMD);
    const ackedAt = clock.now();
    expect(queue.ack('10.0.0.2', first?.p.packetNo ?? 0)).toBe(true);
    // An ack without a proof waits a moment for forged acks to show before its verdict.
    expect(statesOf('m1')).toEqual([{ state: 'sent', attempts: 1 }]);
    expect(queue.pending()).toBe(1);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('m1')).toEqual([
      { state: 'sent', attempts: 1 },
      { state: 'delivered', at: ackedAt },
    ]);
    expect(queue.pending()).toBe(0);
    // A late duplicate ack matches nothing.
    expect(queue.ack('10.0.0.2', first?.p.packetNo ?? 0)).toBe(false);
  });

  it('resends the same bytes every retryMs, maxRetries times, then fails with no-ack', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup({ retryMs: 250, maxRetries: 2 });
    queue.enqueue(item('m1'));
    await clock.advance(749);
    expect(wireLog()).toHaveLength(3);
    expect(new Set(wireLog().map((x) => Buffer.from(x.d.bytes).toString('hex'))).size).toBe(1);
    expect(statesOf('m1').at(-1)).toEqual({ state: 'sent', attempts: 3 });
    await clock.advance(1);
    const last = statesOf('m1').at(-1);
    // 3 attempts 250 ms apart: 0.75 s, said in whole seconds.
    expect(last).toEqual({
      state: 'failed',
      code: 'no-ack',
      params: { peer: 'peer 10.0.0.2', attempts: 3, seconds: 1, port: 2425 },
    });
    expect(last?.state === 'failed' && outcomeText(last, 'en')).toContain('peer 10.0.0.2');
    expect(queue.pending()).toBe(0);
    await clock.advance(10_000);
    expect(wireLog()).toHaveLength(3);
  });

  it('ignores an ack from another address or for another number', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1'));
    await clock.flush();
    const no = wireLog()[0]?.p.packetNo ?? 0;
    expect(queue.ack('10.0.0.3', no)).toBe(false);
    expect(queue.ack('10.0.0.2', no + 1)).toBe(false);
    expect(queue.ack('10.0.0.2', no - 1)).toBe(false);
    expect(statesOf('m1').at(-1)?.state).toBe('sent');
  });

  it('sends one datagram at a time per peer, in order, and peers in parallel', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('a1'));
    queue.enqueue(item('a2'));
    queue.enqueue(item('b1', '10.0.0.3'));
    await clock.flush();
    expect(wireLog().map((x) => x.d.to.address)).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(queue.pending()).toBe(3);
    // Waiting behind a1: nothing has happened to it yet (its 'queued' was told with it).
    expect(statesOf('a2')).toEqual([]);
    queue.ack('10.0.0.2', wireLog()[0]?.p.packetNo ?? 0);
    await clock.flush();
    const third = wireLog()[2];
    expect(third?.d.to.address).toBe('10.0.0.2');
    expect(third?.p.packetNo).toBeGreaterThan(wireLog()[1]?.p.packetNo ?? Infinity);
    expect(statesOf('a2').at(-1)).toEqual({ state: 'sent', attempts: 1 });
  });

  it('walks through the parts of a message: "sent" once, "delivered" after the last part', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('long', '10.0.0.2', ['p0', 'p1', 'p2']));
    for (let i = 0; i < 3; i++) {
      await clock.flush();
      expect(wireLog()).toHaveLength(i + 1);
      queue.ack('10.0.0.2', wireLog()[i]?.p.packetNo ?? 0);
    }
    await clock.advance(ACK_SETTLE_MS);
    expect(wireLog().map((x) => new TextDecoder().decode(x.p.extra))).toEqual([
      'p0\0',
      'p1\0',
      'p2\0',
    ]);
    expect(statesOf('long').map((s) => s.state)).toEqual(['sent', 'delivered']);
  });

  it('names the failing part of a multi-part message', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup({ maxRetries: 0 });
    queue.enqueue(item('long', '10.0.0.2', ['p0', 'p1', 'p2']));
    await clock.flush();
    queue.ack('10.0.0.2', wireLog()[0]?.p.packetNo ?? 0);
    await clock.advance(1000);
    const s = statesOf('long').at(-1);
    // The part is for programs; the text names the peer, the attempts and the fix.
    expect(s).toMatchObject({ state: 'failed', code: 'no-ack', params: { part: 2, parts: 3 } });
  });

  it('reports the socket error as send-error', async () => {
    const { clock, queue, item, statesOf } = await setup({ sendError: true, maxRetries: 1 });
    queue.enqueue(item('m1'));
    await clock.advance(5000);
    const s = statesOf('m1').at(-1);
    expect(s).toEqual({
      state: 'failed',
      code: 'send-error',
      params: { peer: 'peer 10.0.0.2', error: 'send ENETUNREACH' },
    });
    expect(s?.state === 'failed' && outcomeText(s, 'en')).toContain('send ENETUNREACH');
  });

  it('an ack that arrives before the send promise settles still counts', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1'));
    // No flush: the datagram was built and handed over synchronously.
    const no = wireLog()[0]?.p.packetNo ?? 0;
    expect(queue.ack('10.0.0.2', no)).toBe(true);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('m1').at(-1)?.state).toBe('delivered');
  });

  it('failAll fails in-flight and queued items and stops the timers', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('a1'));
    queue.enqueue(item('a2'));
    queue.enqueue(item('b1', '10.0.0.3'));
    await clock.flush();
    queue.failAll('stopped', { note: 'bye' });
    for (const id of ['a1', 'a2', 'b1'])
      expect(statesOf(id).at(-1)).toEqual({
        state: 'failed',
        code: 'stopped',
        params: { note: 'bye' },
      });
    expect(queue.pending()).toBe(0);
    const sentBefore = wireLog().length;
    await clock.advance(10_000);
    expect(wireLog()).toHaveLength(sentBefore);
    expect(clock.pending()).toBe(0);
  });

  it('an item with no extras is not left in flight forever', async () => {
    const { clock, queue, item, statesOf } = await setup();
    queue.enqueue({ ...item('empty'), extras: [] });
    queue.enqueue(item('after'));
    await clock.advance(100);
    expect(statesOf('after').at(-1)?.state).toBe('sent');
  });

  it('serves every datagram in flight with one timer, each resent retryMs after its own send', async () => {
    const { clock, queue, item, wireLog } = await setup({ retryMs: 1000, maxRetries: 1 });
    queue.enqueue(item('a', '10.0.0.2'));
    await clock.advance(300);
    queue.enqueue(item('b', '10.0.0.3'));
    queue.enqueue(item('c', '10.0.0.4'));
    await clock.flush();
    expect(clock.pending()).toBe(1);
    const sendsTo = (address: string) => wireLog().filter((x) => x.d.to.address === address);
    await clock.advance(699); // t = 999: nothing due yet
    expect(wireLog()).toHaveLength(3);
    await clock.advance(1); // t = 1000: a's resend
    expect(sendsTo('10.0.0.2')).toHaveLength(2);
    expect(sendsTo('10.0.0.3')).toHaveLength(1);
    await clock.advance(300); // t = 1300: b's and c's
    expect(sendsTo('10.0.0.3')).toHaveLength(2);
    expect(sendsTo('10.0.0.4')).toHaveLength(2);
    expect(clock.pending()).toBe(1);
  });

  it('an ack needs no timer work, and the timer lapses once nothing is in flight', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    for (let i = 0; i < 50; i++) {
      queue.enqueue(item(`m${i}`));
      await clock.flush();
      queue.ack('10.0.0.2', wireLog().at(-1)?.p.packetNo ?? 0);
    }
    // One timer serves the verdicts waiting too.
    expect(clock.pending()).toBeLessThanOrEqual(1);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('m49').at(-1)?.state).toBe('delivered');
    await clock.advance(5000);
    expect(clock.pending()).toBe(0);
    expect(wireLog()).toHaveLength(50); // nothing was resent
  });

  it('keeps working for peers after idle lanes are pruned', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    for (let i = 0; i < 600; i++) {
      const address = `10.1.${i >> 8}.${i & 255}`;
      queue.enqueue(item(`p${i}`, address));
      await clock.flush();
      queue.ack(address, wireLog().at(-1)?.p.packetNo ?? 0);
    }
    await clock.advance(ACK_SETTLE_MS);
    expect(queue.pending()).toBe(0);
    expect(statesOf('p599').at(-1)?.state).toBe('delivered');
    queue.enqueue(item('again', '10.1.0.0'));
    await clock.flush();
    expect(statesOf('again').at(-1)).toEqual({ state: 'sent', attempts: 1 });
  });

  it('keeps resending on time when the wall clock is set back', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup({ retryMs: 1000, maxRetries: 2 });
    const wall = { offset: 0 };
    // The queue reads the wall clock; the timers keep their own (monotonic) time, as Node's do.
    const realNow = clock.now.bind(clock);
    clock.now = () => realNow() + wall.offset;
    queue.enqueue(item('m1'));
    await clock.flush();
    wall.offset = -3_600_000; // an hour back, right after the first send
    await clock.advance(1000);
    expect(wireLog()).toHaveLength(2);
    await clock.advance(1000);
    expect(wireLog()).toHaveLength(3);
    await clock.advance(1000);
    expect(statesOf('m1').at(-1)).toMatchObject({ state: 'failed', code: 'no-ack' });
  });

  // ---- what an ack is worth ------------------------------------------------------------------

  const PROOF = 'a'.repeat(32);
  const proofItem = (
    base: OutgoingItem,
    proofs = base.extras.map((_, i) => `${i}`.padStart(32, 'b')),
    proofRequired = true,
  ): OutgoingItem => ({ ...base, proofs, proofRequired });

  it('a spray of forged acks for a silent address: unconfirmed or failed, never delivered', async () => {
    for (let round = 0; round < 20; round++) {
      const { clock, wire, queue, item, wireLog, statesOf } = await setup();
      // The forger read our counter off any packet we sent before (a broadcast, an answer).
      const seen = wire.build(Mode.BR_ENTRY, latin1Bytes('x\0')).packetNo;
      queue.enqueue(item('m1', '10.0.0.99'));
      await clock.flush();
      const real = wireLog()[0]?.p.packetNo ?? 0;
      expect(real - seen).toBeGreaterThanOrEqual(1);
      expect(real - seen).toBeLessThanOrEqual(64);
      // ...and sprays acks "from" the silent address for every number that could be next.
      const order = Array.from({ length: 100 }, (_, i) => seen + 1 + i);
      if (round % 2) order.reverse();
      for (const no of order) queue.ack('10.0.0.99', no);
      await clock.advance(10_000);
      const final = statesOf('m1').at(-1);
      expect(final).toMatchObject({
        state: 'unconfirmed',
        code: 'forged-acks',
        params: { peer: 'peer 10.0.0.99' },
      });
      expect(final?.state === 'unconfirmed' && Number(final.params.forged)).toBeGreaterThan(0);
      expect(statesOf('m1').some((s) => s.state === 'delivered')).toBe(false);
    }
  });

  it("the first message of a run, its number the forger's top guess: the misses below still show", async () => {
    for (const reversed of [false, true]) {
      const { clock, wire, queue, item, wireLog, statesOf } = await setup({
        random: new WidestGaps(),
      });
      const seen = wire.build(Mode.BR_ENTRY, latin1Bytes('x\0')).packetNo;
      queue.enqueue(item('m1', '10.0.0.99'));
      await clock.flush();
      const real = wireLog()[0]?.p.packetNo ?? 0;
      expect(real).toBe(seen + MAX_GAP);
      // Every guess up to the real number and none above: only the misses below can show.
      const order = Array.from({ length: MAX_GAP }, (_, i) => seen + 1 + i);
      if (reversed) order.reverse();
      for (const no of order) queue.ack('10.0.0.99', no);
      await clock.advance(10_000);
      expect(statesOf('m1').some((s) => s.state === 'delivered')).toBe(false);
      expect(statesOf('m1').at(-1)).toMatchObject({
        state: 'unconfirmed',
        code: 'forged-acks',
        params: { forged: MAX_GAP - 1 },
      });
    }
  });

  it("a late ack of an earlier run's message is no forgery", async () => {
    const { clock, wire, queue, item, wireLog, statesOf } = await setup({
      counter: savedCounter(5000),
    });
    expect(wire.runFloor()).toBeGreaterThanOrEqual(5000);
    queue.enqueue(item('m1'));
    await clock.flush();
    queue.ack('10.0.0.2', 4990); // a message of the run before this one, answered again
    queue.ack('10.0.0.2', wireLog()[0]?.p.packetNo ?? 0);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('m1').at(-1)?.state).toBe('delivered');
  });

  it('a spray that misses leaves the message failed (no-ack), as it is', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1', '10.0.0.99'));
    await clock.flush();
    const real = wireLog()[0]?.p.packetNo ?? 0;
    for (let no = real + 1; no < real + 64; no++) queue.ack('10.0.0.99', no);
    await clock.advance(10_000);
    expect(statesOf('m1').at(-1)).toMatchObject({ state: 'failed', code: 'no-ack' });
  });

  it('one forged ack right after the real ack of a legacy peer: unconfirmed', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1'));
    await clock.flush();
    const real = wireLog()[0]?.p.packetNo ?? 0;
    expect(queue.ack('10.0.0.2', real)).toBe(true);
    await clock.advance(ACK_SETTLE_MS - 100);
    expect(queue.ack('10.0.0.2', real + 1)).toBe(false);
    await clock.advance(100);
    expect(statesOf('m1').at(-1)).toMatchObject({
      state: 'unconfirmed',
      code: 'forged-acks',
      params: { forged: 1 },
    });
  });

  it('forged acks long before a message do not taint it; a late real duplicate is no forgery', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m0'));
    await clock.flush();
    const first = wireLog()[0]?.p.packetNo ?? 0;
    queue.ack('10.0.0.2', first + 100); // forged, now
    queue.ack('10.0.0.2', first);
    await clock.advance(5000);
    expect(statesOf('m0').at(-1)?.state).toBe('unconfirmed');
    queue.enqueue(item('m1'));
    await clock.flush();
    const second = wireLog()[1]?.p.packetNo ?? 0;
    queue.ack('10.0.0.2', first); // our earlier message acked again: late, not forged
    queue.ack('10.0.0.2', second);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('m1').at(-1)?.state).toBe('delivered');
  });

  it('between Pigeons only the right proof delivers: no proof or a wrong one counts nothing', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(proofItem(item('m1'), [PROOF]));
    await clock.flush();
    const no = wireLog()[0]?.p.packetNo ?? 0;
    expect(queue.ack('10.0.0.2', no)).toBe(false);
    expect(queue.ack('10.0.0.2', no, 'c'.repeat(32))).toBe(false);
    await clock.advance(2500);
    expect(statesOf('m1').at(-1)).toEqual({ state: 'sent', attempts: 3 });
    expect(queue.ack('10.0.0.2', no, PROOF)).toBe(true);
    // Proven: delivered at once, whatever was forged around it.
    expect(statesOf('m1').at(-1)).toEqual({ state: 'delivered', at: clock.now() });
  });

  it('a Pigeon that proves its acks but only proofless acks came: unconfirmed (no-proof)', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(proofItem(item('m1'), [PROOF]));
    await clock.flush();
    const no = wireLog()[0]?.p.packetNo ?? 0;
    queue.ack('10.0.0.2', no);
    queue.ack('10.0.0.2', no);
    await clock.advance(5000);
    expect(statesOf('m1').at(-1)).toMatchObject({
      state: 'unconfirmed',
      code: 'no-proof',
      params: { peer: 'peer 10.0.0.2', acks: 2 },
    });
  });

  it('an older Pigeon (no proof offered) is taken like a legacy client; once proven, always held to it', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    // Nonce sent, but the peer never said it proves its acks: a plain ack is taken.
    queue.enqueue(proofItem(item('old'), [PROOF], false));
    await clock.flush();
    queue.ack('10.0.0.2', wireLog()[0]?.p.packetNo ?? 0);
    await clock.advance(ACK_SETTLE_MS);
    expect(statesOf('old').at(-1)?.state).toBe('delivered');
    // It proves one...
    queue.enqueue(proofItem(item('proved'), [PROOF], false));
    await clock.flush();
    queue.ack('10.0.0.2', wireLog()[1]?.p.packetNo ?? 0, PROOF);
    expect(statesOf('proved').at(-1)?.state).toBe('delivered');
    // ...so a later plain ack from that address (a forged entry said "no proof") is not taken.
    queue.enqueue(proofItem(item('later'), [PROOF], false));
    await clock.flush();
    expect(queue.ack('10.0.0.2', wireLog()[2]?.p.packetNo ?? 0)).toBe(false);
  });

  it('numbers of messages whose ack cannot be proven leave random gaps; proven ones do not', async () => {
    const { clock, wire, queue, item, wireLog } = await setup();
    const gaps = async (make: (id: string) => OutgoingItem, proof?: string) => {
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        const before = wire.nextPacketNo();
        queue.enqueue(make(`m${i}`));
        await clock.flush();
        const no = wireLog().at(-1)?.p.packetNo ?? 0;
        out.push(no - before);
        queue.ack('10.0.0.2', no, proof);
      }
      return out;
    };
    const legacy = await gaps((id) => item(id));
    expect(Math.min(...legacy)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...legacy)).toBeLessThanOrEqual(64);
    expect(new Set(legacy).size).toBeGreaterThan(30);
    const proven = await gaps((id) => proofItem(item(id), [PROOF]), PROOF);
    expect(new Set(proven)).toEqual(new Set([1]));
  });

  it('stopping gives the waiting verdicts at once', async () => {
    const { clock, queue, item, wireLog, statesOf } = await setup();
    queue.enqueue(item('m1'));
    await clock.flush();
    queue.ack('10.0.0.2', wireLog()[0]?.p.packetNo ?? 0);
    queue.failAll('stopped');
    expect(statesOf('m1').at(-1)?.state).toBe('delivered');
    expect(clock.pending()).toBe(0);
  });
});
