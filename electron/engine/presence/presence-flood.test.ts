import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  latin1Bytes,
  makeCommand,
  Mode,
  modeOf,
  Opt,
  utf8Bytes,
} from '../../../shared/protocol';
import type { Ipv4Interface } from '../io/network-interfaces';
import type { FakeClock } from '../testing/fake-clock';
import type { FakeNetwork } from '../testing/fake-network';
import { fakeLan, packetOf, type SentDatagram } from '../testing/fake-network';
import { startEngine } from '../testing/engine-harness';
import { legacy } from '../testing/scripted-peer';
import { PRESENCE_CHECK_MS } from './presence';
import { REPLY_BUDGET } from './reply-budget';
import { DIALUP_UNICAST_MAX, PEER_UNICAST_MAX } from './unicast-presence';

/**
 * Presence under forged traffic: every UDP source can be forged, so nothing presence sends in
 * answer may become an amplifier (a budget per source and in all), go to an address that is not
 * one host (the reply guard), or grow with the number of forged dial-up entries (a cap).
 */

const A = '10.0.0.1';
const BCAST = '10.0.0.255';
const PORT = 2425;
const to = (address: string, port = PORT) => ({ address, port });
/** The interface the engine at A believes it has (for its subnet's edges). */
const ETH0: Ipv4Interface = {
  name: 'eth0',
  address: A,
  netmask: '255.255.255.0',
  broadcast: BCAST,
  internal: false,
};
const options = { diagnostics: { listInterfaces: () => [ETH0], watchIntervalMs: 0 } };

/** A packet from any source, in a plain IP Messenger's header. */
function packet(no: number, command: number, extra: string | Uint8Array): Uint8Array {
  return concatBytes([
    latin1Bytes(`1:${no}:forger:box:${command}:`),
    typeof extra === 'string' ? utf8Bytes(extra) : extra,
  ]);
}

/** The i-th of many plausible hosts (never x.x.x.0 or x.x.x.255: no host has those). */
const forged = (i: number, net = 20) => `10.${net}.${Math.floor(i / 254) & 0xff}.${(i % 254) + 1}`;

function sentBy(net: FakeNetwork, from: string, since = 0): SentDatagram[] {
  return net.sentFrom(from).filter((d) => d.seq > since);
}
const modeIs = (mode: number) => (d: SentDatagram) => modeOf(packetOf(d)?.command ?? 0) === mode;
const lastSeq = (net: FakeNetwork) => net.log.at(-1)?.seq ?? 0;

/** Until nothing more is sent: an announce goes out in batches, a turn of the event loop apart. */
async function drain(clock: FakeClock, net: FakeNetwork): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    const before = lastSeq(net);
    await clock.flush();
    quiet = lastSeq(net) === before ? quiet + 1 : 0;
  }
}

describe('answers are budgeted per source and in all', () => {
  it('one source gets at most 8 answers at once, then one a second', async () => {
    const { clock, net } = fakeLan();
    await startEngine(net, A, {}, options);
    const victim = '10.0.0.66';
    const since = lastSeq(net);
    for (let i = 0; i < 100; i++)
      net.inject(packet(1000 + i, Mode.BR_ENTRY, 'x\0\0'), to(victim), to(A));
    for (let i = 0; i < 100; i++)
      net.inject(packet(2000 + i, Mode.GETINFO, '\0'), to(victim), to(A));
    await clock.flush();
    expect(sentBy(net, A, since).filter((d) => d.to.address === victim)).toHaveLength(
      REPLY_BUDGET.perSource.burst,
    );
    await clock.advance(1000);
    const later = lastSeq(net);
    for (let i = 0; i < 100; i++)
      net.inject(packet(3000 + i, Mode.GETINFO, '\0'), to(victim), to(A));
    await clock.flush();
    expect(sentBy(net, A, later)).toHaveLength(1);
  });

  it('forged entries from 5,000 sources get 2,048 answers, then 256 a second', async () => {
    const { clock, net } = fakeLan();
    await startEngine(net, A, {}, options);
    const since = lastSeq(net);
    for (let i = 0; i < 5000; i++)
      net.inject(packet(i + 1, Mode.BR_ENTRY, `f${i}\0\0`), to(forged(i)), to(A));
    await clock.flush();
    expect(sentBy(net, A, since).filter(modeIs(Mode.ANSENTRY))).toHaveLength(
      REPLY_BUDGET.total.burst,
    );
    await clock.advance(1000);
    const later = lastSeq(net);
    for (let i = 0; i < 2000; i++)
      net.inject(packet(i + 1, Mode.BR_ENTRY, `g${i}\0\0`), to(forged(i, 21)), to(A));
    await clock.flush();
    expect(sentBy(net, A, later).filter(modeIs(Mode.ANSENTRY))).toHaveLength(
      REPLY_BUDGET.total.perSecond,
    );
  }, 30_000);

  it('never bites a LAN of 1,000 hosts that start at once and repeat their entry 5 s later', async () => {
    const { clock, net } = fakeLan();
    await startEngine(net, A, {}, options);
    for (const round of [1, 2]) {
      const since = lastSeq(net);
      for (let i = 0; i < 1000; i++)
        net.inject(packet(round, Mode.BR_ENTRY, `h${i}\0\0`), to(forged(i)), to(A));
      await clock.flush();
      const answered = new Set(
        sentBy(net, A, since)
          .filter(modeIs(Mode.ANSENTRY))
          .map((d) => d.to.address),
      );
      expect(answered.size).toBe(1000);
      await clock.advance(5000);
    }
  }, 30_000);

  it('our refresh corrects 1,000 FeiQ clients that answer it', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, { nick: '鸽子', group: '研发部' }, options);
    a.engine.handlers['peers:refresh']();
    await clock.flush();
    const since = lastSeq(net);
    const feiqEntry = concatBytes([legacy('同事', 'gbk'), new Uint8Array([0, 0])]);
    for (let i = 0; i < 1000; i++) {
      const bytes = concatBytes([
        latin1Bytes(`1_lbt6_0#128#0011223344${String(i % 100).padStart(2, '0')}#0#0#0#4001#9:`),
        latin1Bytes(`${i + 1}:feiq:PC:6291459:`),
        feiqEntry,
      ]);
      net.inject(bytes, to(forged(i)), to(A));
    }
    await clock.flush();
    expect(sentBy(net, A, since).filter(modeIs(Mode.ANSENTRY))).toHaveLength(1000);
  }, 30_000);
});

describe('unicast presence to dial-up peers is capped', () => {
  async function withForgedDialups(n: number) {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, options);
    const dialup = makeCommand(Mode.BR_ENTRY, Opt.DIALUPOPT);
    for (let i = 0; i < n; i++) {
      net.inject(packet(i + 1, dialup, `dial-${i}\0\0`), to(forged(i, 30)), to(A));
      if (i % 200 === 199) await clock.advance(1000); // within the answer budget: all are peers
    }
    await clock.flush();
    return { clock, net, a };
  }

  it('1,000 forged DIALUPOPT entries cost a bounded number of bytes per refresh', async () => {
    const { clock, net, a } = await withForgedDialups(1000);
    expect(a.peers().filter((p) => p.online)).toHaveLength(1000);
    const since = lastSeq(net);
    a.engine.handlers['peers:refresh']();
    await drain(clock, net);
    const sent = sentBy(net, A, since);
    const unicast = sent.filter((d) => d.to.address.startsWith('10.30.'));
    expect(unicast).toHaveLength(DIALUP_UNICAST_MAX);
    // Before the cap: 1,000 unicast entries, over 100 KB.
    const bytes = sent.reduce((n, d) => n + d.bytes.length, 0);
    expect(bytes).toBeLessThan(DIALUP_UNICAST_MAX * 160);
    expect(bytes).toBeLessThan(24_000);
  }, 30_000);

  it('each refresh reaches the next dial-up peers: the silent ones it reached go offline', async () => {
    const { clock, net, a } = await withForgedDialups(300);
    const reached = new Set<string>();
    for (let refresh = 0; refresh < 3; refresh++) {
      const since = lastSeq(net);
      a.engine.handlers['peers:refresh']();
      await drain(clock, net);
      await clock.advance(PRESENCE_CHECK_MS + 100);
      const now = sentBy(net, A, since)
        .filter((d) => d.to.address.startsWith('10.30.'))
        .map((d) => d.to.address);
      expect(now.length).toBeLessThanOrEqual(DIALUP_UNICAST_MAX);
      for (const x of now) {
        expect(reached.has(x)).toBe(false);
        reached.add(x);
      }
      // Only the peers a refresh reached (and that stayed silent) are shown offline.
      expect(a.peers().filter((p) => !p.online)).toHaveLength(reached.size);
    }
    expect(reached.size).toBe(300);
  }, 30_000);
});

describe('unicast presence to known peers is capped', () => {
  it('stop() says BR_EXIT by unicast to at most 1,024 peers, however many were forged', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, options);
    for (let i = 0; i < 3000; i++) {
      net.inject(packet(i + 1, Mode.BR_ENTRY, `p${i}\0\0`), to(forged(i, 40)), to(A));
      if (i % 500 === 499) await clock.flush();
    }
    await clock.flush();
    expect(a.peers().filter((p) => p.online).length).toBe(3000);
    const since = lastSeq(net);
    const stopped = a.engine.stop();
    await drain(clock, net);
    await stopped;
    const exits = sentBy(net, A, since).filter(modeIs(Mode.BR_EXIT));
    expect(exits.filter((d) => d.to.address.startsWith('10.40.'))).toHaveLength(PEER_UNICAST_MAX);
  }, 30_000);
});

describe('nothing is sent in reply to an address that is not one host', () => {
  const impossible = [
    '255.255.255.255',
    BCAST, // our subnet's directed broadcast
    '10.0.0.0', // our subnet's network address
    '224.0.0.251',
    '226.81.9.8',
    '0.0.0.0',
  ];

  it('forged entries, info requests, messages and read notices get no answer there', async () => {
    const { clock, net } = fakeLan();
    const a = await startEngine(net, A, {}, options);
    const since = lastSeq(net);
    // Forged from our own address, the injected datagrams show as sent from A: set them apart.
    const injected = new Set<number>();
    let no = 1;
    const inject = (from: string, command: number, extra: string) => {
      net.inject(packet(no++, command, extra), to(from), to(A));
      injected.add(lastSeq(net));
    };
    for (const source of [...impossible, A]) {
      inject(source, Mode.BR_ENTRY, 'x\0\0');
      inject(source, makeCommand(Mode.BR_ENTRY, Opt.DIALUPOPT), 'x\0\0');
      inject(source, Mode.GETINFO, '\0');
      inject(source, Mode.GETABSENCEINFO, '\0');
      inject(source, Mode.FEIQ_OPEN_YOU, '\0');
      inject(source, makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT), 'hi\0');
      inject(source, makeCommand(Mode.READMSG, Opt.READCHECKOPT), '5\0');
      inject(source, Mode.ANSENTRY, 'x\0\0');
    }
    await clock.flush();
    expect(
      sentBy(net, A, since)
        .filter((d) => !injected.has(d.seq))
        .map((d) => `${d.to.address} ${packetOf(d)?.command}`),
    ).toEqual([]);
    // Nor does unicast presence go there (the directed broadcast gets our broadcast only).
    const before = lastSeq(net);
    a.engine.handlers['peers:refresh']();
    await clock.flush();
    const refresh = sentBy(net, A, before);
    expect(refresh.map((d) => d.to.address)).toEqual([BCAST]);
  });

  it('engines on 127.0.0.x (each bound to its own address) still hear each other', async () => {
    const { clock, net } = fakeLan();
    const lo: Ipv4Interface = {
      name: 'lo',
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      broadcast: '127.255.255.255',
      internal: true,
    };
    const opts = { diagnostics: { listInterfaces: () => [lo], watchIntervalMs: 0 } };
    const b = await startEngine(net, '127.0.0.2', { bind: '127.0.0.2' }, opts);
    const c = await startEngine(net, '127.0.0.3', { bind: '127.0.0.3' }, opts);
    await clock.advance(10);
    expect(b.peers().map((p) => p.id)).toEqual([c.id]);
    expect(c.peers().map((p) => p.id)).toEqual([b.id]);
    const [id] = b.send([c.id], 'hello');
    await clock.advance(10);
    expect(b.message(id)?.delivery?.state).toBe('delivered');
  });
});
