import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildDatagram,
  buildEntryExtra,
  latin1Text,
  makeCommand,
  Mode,
  modeOf,
  Opt,
  parseAck,
  parseAnsweredPacketNo,
  parseMessageBody,
  pigeonVersionField,
  utf8Bytes,
} from '../../../shared/protocol';
import { PACKET_COUNTER_FILE } from '../io/packet-counter-file';
import type { FakeClock } from '../testing/fake-clock';
import type { FakeNetwork } from '../testing/fake-network';
import { fakeLan, modeIs, packetOf, type SentDatagram } from '../testing/fake-network';
import { startEngine, type EngineNode } from '../testing/engine-harness';
import { IPTUX, ScriptedPeer, type Identity } from '../testing/scripted-peer';
import { PIGEON_VERSION } from '../version';
import { ackProof } from './ack-proof';
import { ACK_SETTLE_MS } from './delivery-queue';

/**
 * The attacks of the issue "Real clients and a hostile LAN", each on the fake LAN: forged acks
 * ("delivered" for a message nobody got) and a poisoned duplicate filter (a real message acked
 * and never shown). An attacker on the LAN can send any datagram from any address; it reads
 * our packet counter off any packet we send it.
 */

const A = '10.0.0.1';
const B = '10.0.0.2';
const SILENT = '10.0.0.99';
const IPTUX_ADDR = '10.0.0.10';
const OLD_PIGEON = '10.0.0.40';
const MALLORY = '10.0.0.66';
const BCAST = '10.0.0.255';
const PORT = 2425;
const at = (address: string) => ({ address, port: PORT });
const RECVMSG = makeCommand(Mode.RECVMSG, Opt.SENDCHECKOPT);

const dataDirs: string[] = [];
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-proof-test-'));
  dataDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The packet numbers `node` sent, in order (retransmissions once). */
function numbersSentBy(net: FakeNetwork, address: string): number[] {
  const out: number[] = [];
  for (const d of net.sentFrom(address)) {
    const no = packetOf(d)?.packetNo;
    if (no !== undefined && out.at(-1) !== no) out.push(no);
  }
  return out;
}

/** SENDMSGs a node sent to `to`, parsed. */
function messagesTo(net: FakeNetwork, from: string, to: string) {
  return net
    .sentFrom(from)
    .filter((d) => d.to.address === to)
    .map((d) => packetOf(d))
    .filter((p) => p !== undefined && modeOf(p.command) === Mode.SENDMSG);
}

/**
 * Mallory learns where `victim`'s counter is: it sends a BR_ENTRY and reads the number of the
 * ANSENTRY that comes back (any packet of ours would do).
 */
async function readCounter(
  net: FakeNetwork,
  clock: FakeClock,
  mallory: ScriptedPeer,
  victim: string,
) {
  mallory.clearInbox();
  mallory.send(at(victim), Mode.BR_ENTRY, 'mallory\0\0');
  await clock.flush();
  const answer = mallory.inboxOf(Mode.ANSENTRY).at(-1);
  if (!answer) throw new Error('no ANSENTRY from the victim');
  return answer.packet.packetNo;
}

/** RECVMSGs "from" `from` to `to` for each number, with the given header. */
function sprayAcks(
  net: FakeNetwork,
  numbers: number[],
  from: string,
  to: string,
  identity: Identity = IPTUX,
  proof?: (no: number) => string,
) {
  for (const no of numbers) {
    const extra = proof ? `${no}\0PGPROOF:${proof(no)}\0` : `${no}\0`;
    const bytes = buildDatagram({
      version: identity.version,
      packetNo: 9000 + no,
      user: utf8Bytes(String(identity.user)),
      host: utf8Bytes(String(identity.host)),
      command: RECVMSG,
      extra: utf8Bytes(extra),
    });
    net.inject(bytes, at(from), at(to));
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('forged acks for a message to a client that cannot prove delivery', () => {
  it('a spoofed RECVMSG spray against a message to a silent address does not deliver it', async () => {
    for (let round = 0; round < 10; round++) {
      const { clock, net } = fakeLan();
      const a = await startEngine(net, A);
      const mallory = await ScriptedPeer.start(net, MALLORY, IPTUX);
      const seen = await readCounter(net, clock, mallory, A);
      const [m] = a.send([SILENT], 'is anyone there?');
      await clock.flush();
      // Every number that could be next, in either order, "from" the silent address.
      const guesses = range(seen + 1, 128);
      sprayAcks(net, round % 2 ? guesses.reverse() : guesses, SILENT, A);
      await clock.advance(10_000);
      const final = a.message(m)?.delivery;
      expect(a.deliveryStates(m ?? '')).not.toContain('delivered');
      expect(final).toMatchObject({ state: 'unconfirmed', code: 'forged-acks' });
    }
  });

  it('a forged ack while a real legacy peer (iptux) acks: unconfirmed, not delivered', async () => {
    for (const forgedFirst of [false, true]) {
      const { clock, net } = fakeLan();
      const a = await startEngine(net, A);
      const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
      iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
      await clock.flush();
      iptux.autoAck();
      const mallory = await ScriptedPeer.start(net, MALLORY, IPTUX);
      const seen = await readCounter(net, clock, mallory, A);
      if (forgedFirst) sprayAcks(net, range(seen + 1, 64), IPTUX_ADDR, A);
      const [m] = a.send([IPTUX_ADDR], '下午三点开会');
      await clock.flush();
      // The real ack came; so do forged ones (with the real number among them: anywhere in the
      // spray, its top included, where every other guess is below our first message).
      if (!forgedFirst) sprayAcks(net, range(seen + 1, 64), IPTUX_ADDR, A);
      const real = messagesTo(net, A, IPTUX_ADDR)[0]?.packetNo ?? 0;
      expect(real - seen).toBeGreaterThanOrEqual(1);
      expect(real - seen).toBeLessThanOrEqual(64);
      await clock.advance(ACK_SETTLE_MS);
      expect(iptux.inboxOf(Mode.SENDMSG)).toHaveLength(1);
      expect(a.message(m)?.delivery).toMatchObject({
        state: 'unconfirmed',
        code: 'forged-acks',
        params: { peer: `iptux-peer (${IPTUX_ADDR})` },
      });
      expect(a.deliveryStates(m ?? '')).not.toContain('delivered');
      // Without forgeries the next one is delivered as before.
      await clock.advance(5000);
      const [next] = a.send([IPTUX_ADDR], 'and this one?');
      await clock.advance(ACK_SETTLE_MS);
      expect(a.message(next)?.delivery?.state).toBe('delivered');
    }
  });

  it('message numbers to iptux leave gaps a forger must guess, strictly increasing, below 2^31', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A);
    const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    iptux.autoAck();
    const gaps: number[] = [];
    for (let i = 0; i < 100; i++) {
      const before = numbersSentBy(net, A).at(-1) ?? 0;
      a.send([IPTUX_ADDR], `m${i}`);
      await clock.flush();
      const mine = messagesTo(net, A, IPTUX_ADDR).at(-1)?.packetNo ?? 0;
      gaps.push(mine - before);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(64);
    expect(new Set(gaps).size).toBeGreaterThan(20);
    const all = numbersSentBy(net, A);
    for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1] ?? Infinity);
    expect(Math.max(...all)).toBeLessThan(2 ** 31);
    // iptux showed them all (it drops a number not above the last it saw).
    await clock.advance(ACK_SETTLE_MS);
    expect(iptux.inboxOf(Mode.SENDMSG)).toHaveLength(100);
  });
});

describe('delivery proofs between Pigeons', () => {
  /** Two engines; b's genuine acks to a can be held back (`holdAcks`), forged ones pass. */
  async function pigeons() {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: 'alice' });
    const b = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(10);
    const forged = new Set<string>();
    const hold = { ms: 0 as number | 'drop' };
    const isForged = (d: SentDatagram) => forged.has(Buffer.from(d.bytes).toString('hex'));
    const isAck = modeIs(Mode.RECVMSG);
    net.use((d, r) =>
      isAck(d, r) && d.from.address === B && !isForged(d)
        ? hold.ms === 'drop'
          ? []
          : hold.ms > 0
            ? [hold.ms]
            : undefined
        : undefined,
    );
    /** Mallory's RECVMSG "from" b, with b's own header, for `no` (with a proof or none). */
    const forge = (no: number, proof?: string) => {
      const bytes = buildDatagram({
        version: pigeonVersionField(PIGEON_VERSION),
        packetNo: 5000 + no,
        user: utf8Bytes('tester'),
        host: utf8Bytes('host-10-0-0-2'),
        command: RECVMSG,
        extra: utf8Bytes(proof ? `${no}\0PGPROOF:${proof}\0` : `${no}\0`),
      });
      forged.add(Buffer.from(bytes).toString('hex'));
      net.inject(bytes, at(B), at(A));
    };
    return { clock, net, a, b, hold, forge };
  }

  it('they say they prove their acks, and every message carries a fresh nonce', async () => {
    const { clock, net, a, b } = await pigeons();
    expect(a.peers().find((p) => p.id === b.id)?.capabilities).toMatchObject({ proof: true });
    a.send([b.id], 'one');
    a.send([b.id], 'two');
    await clock.advance(10);
    const nonces = messagesTo(net, A, B).map(
      (p) => parseMessageBody(p?.extra ?? new Uint8Array()).nonce,
    );
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(nonces[1]).not.toBe(nonces[0]);
    // b's ack carries the proof: an HMAC of the text keyed with the nonce.
    const ack = net
      .sentFrom(B)
      .map((d) => packetOf(d))
      .find((p) => p && modeOf(p.command) === Mode.RECVMSG);
    const first = messagesTo(net, A, B)[0];
    expect(parseAck(ack?.extra ?? new Uint8Array())).toEqual({
      packetNo: first?.packetNo,
      proof: ackProof(nonces[0] ?? '', utf8Bytes('one')),
    });
    expect(b.received().map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('forged acks never deliver: without b, the message ends unconfirmed (no proof), not delivered', async () => {
    const { clock, net, a, b, hold, forge } = await pigeons();
    hold.ms = 'drop';
    const [m] = a.send([b.id], 'did you get this?');
    await clock.flush();
    const no = messagesTo(net, A, B)[0]?.packetNo ?? 0;
    // Even knowing the exact number: no proof, or a made-up one.
    forge(no);
    forge(no, 'f'.repeat(32));
    forge(no, ackProof('0'.repeat(32), utf8Bytes('did you get this?')));
    await clock.advance(10_000);
    expect(a.deliveryStates(m ?? '')).not.toContain('delivered');
    expect(a.message(m)?.delivery).toMatchObject({
      state: 'unconfirmed',
      code: 'no-proof',
      params: { acks: 3 },
    });
  });

  it('a forged ack first, the real proof after: delivered by the proof alone', async () => {
    const { clock, net, a, b, hold, forge } = await pigeons();
    hold.ms = 300;
    const [m] = a.send([b.id], 'proof beats noise');
    await clock.flush();
    const no = messagesTo(net, A, B)[0]?.packetNo ?? 0;
    for (let i = -5; i <= 5; i++) forge(no + i);
    await clock.advance(100);
    expect(a.message(m)?.delivery?.state).toBe('sent');
    await clock.advance(250);
    expect(a.message(m)?.delivery).toMatchObject({ state: 'delivered' });
    expect(b.received().map((x) => x.text)).toEqual(['proof beats noise']);
  });

  it('a forged entry saying "no proofs" cannot downgrade a Pigeon that already proved one', async () => {
    const { clock, net, a, b, hold, forge } = await pigeons();
    a.send([b.id], 'first');
    await clock.advance(10);
    // Mallory announces "b" as an older Pigeon (no proof in PC), then forges b's ack.
    const entry = buildDatagram({
      version: pigeonVersionField(PIGEON_VERSION),
      packetNo: 4242,
      user: utf8Bytes('tester'),
      host: utf8Bytes('host-10-0-0-2'),
      command: Mode.BR_ABSENCE,
      extra: buildEntryExtra({
        nick: 'bob',
        group: '',
        user: 'tester',
        host: 'host-10-0-0-2',
        encoding: 'utf-8',
        capabilities: ['parts', 'echo'],
      }),
    });
    net.inject(entry, at(B), at(A));
    await clock.flush();
    expect(a.peers().find((p) => p.id === b.id)?.capabilities.proof).toBe(false);
    hold.ms = 'drop';
    const [m] = a.send([b.id], 'second');
    await clock.flush();
    forge(messagesTo(net, A, B).at(-1)?.packetNo ?? 0);
    await clock.advance(10_000);
    expect(a.deliveryStates(m ?? '')).not.toContain('delivered');
  });
});

describe('older Pigeons (no proofs) still work both ways', () => {
  const OLD: Identity = { version: '1_pigeon 0.0.9', user: 'old', host: 'old-box' };

  async function oldPigeonOnline(net: FakeNetwork, clock: FakeClock) {
    const old = await ScriptedPeer.start(net, OLD_PIGEON, OLD);
    old.send(
      at(BCAST),
      makeCommand(Mode.BR_ENTRY, Opt.CAPUTF8OPT),
      buildEntryExtra({
        nick: 'old pigeon',
        group: '',
        user: 'old',
        host: 'old-box',
        encoding: 'utf-8',
        capabilities: ['parts', 'echo'],
      }),
    );
    await clock.flush();
    return old;
  }

  it('our message reaches it (the nonce in a section it never reads) and its plain ack delivers', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A);
    const old = await oldPigeonOnline(net, clock);
    expect(a.peers().find((p) => p.address === OLD_PIGEON)).toMatchObject({
      client: 'pigeon',
      capabilities: { proof: false },
    });
    old.autoAck();
    const [m] = a.send([OLD_PIGEON], 'hello, old friend');
    await clock.flush();
    const got = old.inboxOf(Mode.SENDMSG)[0]?.packet;
    // What the older parser read: the text, and no part marker in the third section.
    const sections = latin1Text(got?.extra ?? new Uint8Array()).split('\0');
    expect(new TextDecoder().decode(parseMessageBody(got?.extra ?? new Uint8Array()).text)).toBe(
      'hello, old friend',
    );
    expect(sections[2]).toMatch(/^PGNONCE:/);
    await clock.advance(ACK_SETTLE_MS);
    expect(a.message(m)?.delivery?.state).toBe('delivered');
  });

  it('its messages are acked the way it reads acks: the number alone', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A);
    const old = await oldPigeonOnline(net, clock);
    old.send(
      at(A),
      makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT),
      'from the past\0',
      77,
    );
    await clock.flush();
    const ack = old.inboxOf(Mode.RECVMSG)[0]?.packet;
    expect(latin1Text(ack?.extra ?? new Uint8Array())).toBe('77\0');
    expect(parseAnsweredPacketNo(ack?.extra ?? new Uint8Array())).toBe(77);
    expect(a.received().map((x) => x.text)).toEqual(['from the past']);
  });
});

describe("a poisoned duplicate filter never swallows a peer's real message", () => {
  it("forged parts under bob's next numbers: bob's real message is still shown (and acked)", async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: 'alice' });
    const b = await startEngine(net, B, { nick: 'bob' });
    await clock.advance(10);
    const mallory = await ScriptedPeer.start(net, MALLORY, IPTUX);
    const seen = await readCounter(net, clock, mallory, B);
    // "From bob", with bob's header and his next 30 numbers: parts of a message that never ends.
    for (const no of range(seen + 1, 30)) {
      net.inject(
        buildDatagram({
          version: pigeonVersionField(PIGEON_VERSION),
          packetNo: no,
          user: utf8Bytes('tester'),
          host: utf8Bytes('host-10-0-0-2'),
          command: makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT),
          extra: utf8Bytes(`...\0\0PGPART:zz${no % 7}:0:2\0`),
        }),
        at(B),
        at(A),
      );
    }
    await clock.flush();
    const [m] = b.send([a.id], 'the real message from bob');
    await clock.advance(10);
    const real = messagesTo(net, B, A).at(-1)?.packetNo ?? 0;
    expect(real).toBeGreaterThan(seen);
    expect(real).toBeLessThanOrEqual(seen + 30);
    expect(b.message(m)?.delivery?.state).toBe('delivered');
    // Bob's message is shown whole; the forged parts that could not stay open are shown too,
    // marked incomplete (never silently lost, never passed off as complete).
    const received = a.received();
    expect(received.filter((x) => !x.incomplete).map((x) => x.text)).toEqual([
      'the real message from bob',
    ]);
    expect(received.filter((x) => x.incomplete).every((x) => x.text === '...')).toBe(true);
  });

  it("IP Messenger's NUL-padded retry is still one message", async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A);
    const ipmsg = await ScriptedPeer.start(net, '10.0.0.30', {
      version: '1',
      user: 'taro',
      host: 'TARO-PC',
    });
    const cmd = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);
    ipmsg.send(at(A), cmd, 'retry me\0', 500);
    ipmsg.send(at(A), cmd, `retry me\0${'\0'.repeat(64)}`, 500);
    ipmsg.send(at(A), cmd, 'a different text, same number\0', 500);
    await clock.flush();
    expect(ipmsg.inboxOf(Mode.RECVMSG)).toHaveLength(3);
    expect(a.received().map((x) => x.text)).toEqual(['retry me', 'a different text, same number']);
  });
});

describe('the packet counter across runs', () => {
  async function maxNumberOfARun(dataDir: string, stop: boolean) {
    const { clock, net } = fakeLan();
    const node = await startEngine(net, A, { dataDir });
    const iptux = await ScriptedPeer.start(net, IPTUX_ADDR, IPTUX);
    iptux.send(at(BCAST), 257, 'iptux-peer\0lab\0icon-tux.png\0utf-8\0');
    await clock.flush();
    iptux.autoAck();
    for (let i = 0; i < 50; i++) node.send([IPTUX_ADDR], `run message ${i}`);
    await clock.advance(2000);
    if (stop) await node.engine.stop();
    return { max: Math.max(...numbersSentBy(net, A)), node };
  }

  async function firstNumberOfARun(dataDir: string) {
    const { clock, net } = fakeLan();
    const node: EngineNode = await startEngine(net, A, { dataDir });
    await clock.flush();
    return { first: numbersSentBy(net, A)[0] ?? 0, node };
  }

  it('a restart after a clean stop continues above the last number, with the file owner-only', async () => {
    const dir = tempDataDir();
    const { max } = await maxNumberOfARun(dir, true);
    const { first } = await firstNumberOfARun(dir);
    expect(first).toBeGreaterThan(max);
    expect(first - max).toBeLessThanOrEqual(1);
    if (process.platform !== 'win32')
      expect(fs.statSync(path.join(dir, PACKET_COUNTER_FILE)).mode & 0o777).toBe(0o600);
  });

  it('a run that crashed (never stopped) is continued above every number it used', async () => {
    const dir = tempDataDir();
    const { max } = await maxNumberOfARun(dir, false);
    const { first } = await firstNumberOfARun(dir);
    expect(first).toBeGreaterThan(max);
  });

  it('a counter that cannot be kept is reported (engine:error) and messaging goes on', async () => {
    const dir = tempDataDir();
    // A directory where the file should be: neither read nor written, even by root.
    fs.mkdirSync(path.join(dir, PACKET_COUNTER_FILE));
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { dataDir: dir });
    const b = await startEngine(net, B);
    await clock.advance(10);
    expect(a.of('engine:error')).toMatchObject([
      { code: 'packet-counter', params: { file: path.join(dir, PACKET_COUNTER_FILE) } },
    ]);
    const [m] = a.send([b.id], 'still works');
    await clock.advance(10);
    expect(a.message(m)?.delivery?.state).toBe('delivered');
  });
});
