import { describe, expect, it } from 'vitest';
import { Mode } from '../../../shared/protocol';
import { runEcho } from '../run-echo';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, packetOf, type SentDatagram } from '../testing/fake-network';
import { decodeProbe, encodeProbe, type ProbeFields } from './echo-probe-format';
import { MAX_ANSWER_RATIO } from './echo-service';
import { PROBE_BACK_LIMITS } from './probe-back';
import { startDiagnosedEngine } from './testing/diagnostics-node';

/**
 * Echo on a hostile LAN: every source address can be forged, so nothing Pigeon sends in answer
 * may be worth more to a forger than what the forger sent (PROTOCOL.md, "Probe back").
 */
const B = '10.0.0.2';
const VICTIM = '10.0.0.77';

/** A PIGEON_ECHO as a forger writes it (the shortest IPMsg header), `size` bytes in all. */
function forgedProbe(fields: ProbeFields, size: number, ipmsgHeader = '1:1:a:b:224:'): Uint8Array {
  const header = new TextEncoder().encode(ipmsgHeader);
  const extra = encodeProbe(fields, size - header.length);
  const out = new Uint8Array(header.length + extra.length);
  out.set(header);
  out.set(extra, header.length);
  return out;
}

const ask100 = { count: 100, intervalMs: 10, size: 1472 };

async function responder() {
  const net = new FakeNetwork(new FakeClock());
  const b = await startDiagnosedEngine(net, B);
  // What B sent before the test (its entries) is not the test's business.
  net.log.length = 0;
  return { net, b };
}

const bytesOf = (ds: SentDatagram[]) => ds.reduce((sum, d) => sum + d.bytes.length, 0);
const isReverse = (d: SentDatagram) =>
  decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.reverse === true;

/** The most sent in any one second (a window starting at each send). */
function busiestSecond(ds: SentDatagram[]): { datagrams: number; bytes: number } {
  let datagrams = 0;
  let bytes = 0;
  for (const first of ds) {
    const inWindow = ds.filter((d) => d.sentAt >= first.sentAt && d.sentAt < first.sentAt + 1000);
    datagrams = Math.max(datagrams, inWindow.length);
    bytes = Math.max(bytes, bytesOf(inWindow));
  }
  return { datagrams, bytes };
}

describe('probe back on a hostile LAN', () => {
  it('a forged 53-byte probe-back request costs the forged address one answer, at most 2x its size', async () => {
    const { net } = await responder();
    const probe = forgedProbe({ runId: 'a1b2c3d4', seq: 0, sentUs: 0, back: ask100 }, 53);
    expect(probe.length).toBe(53);
    net.inject(probe, { address: VICTIM, port: 2425 }, { address: B, port: 2425 });
    await net.clock.advance(5000);
    const toVictim = net.sentTo(VICTIM);
    expect(toVictim.length).toBeLessThanOrEqual(1);
    expect(bytesOf(toVictim)).toBeLessThanOrEqual(2 * probe.length);
    // That one answer carries the cookie and no grant.
    expect(
      decodeProbe(packetOf(toVictim[0] ?? { bytes: new Uint8Array() })?.extra ?? new Uint8Array()),
    ).toMatchObject({ runId: 'a1b2c3d4', cookie: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(toVictim.filter(isReverse)).toEqual([]);
  });

  it('a probe-back request forged from the subnet broadcast address gets nothing at all', async () => {
    const { net } = await responder();
    const probe = forgedProbe({ runId: 'a1b2c3d4', seq: 0, sentUs: 0, back: ask100 }, 53);
    net.inject(probe, { address: '10.0.0.255', port: 2425 }, { address: B, port: 2425 });
    await net.clock.advance(5000);
    expect(net.sentFrom(B)).toEqual([]);
  });

  it('a guessed or borrowed cookie starts nothing', async () => {
    const { net } = await responder();
    const from = { address: VICTIM, port: 2425 };
    const to = { address: B, port: 2425 };
    // A cookie the forger got for its own address, and one it made up.
    net.inject(
      forgedProbe({ runId: 'a1b2c3d4', seq: 0, sentUs: 0, back: ask100 }, 80),
      {
        address: '10.0.0.66',
        port: 2425,
      },
      to,
    );
    await net.clock.advance(10);
    const own = net
      .sentTo('10.0.0.66')
      .map((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array()));
    const borrowed = own[0]?.cookie;
    expect(borrowed).toMatch(/^[0-9a-f]{16}$/);
    for (const proof of [borrowed ?? '', '0123456789abcdef']) {
      net.inject(
        forgedProbe({ runId: 'a1b2c3d4', seq: 1, sentUs: 0, back: ask100, proof }, 100),
        from,
        to,
      );
    }
    await net.clock.advance(5000);
    expect(net.sentTo(VICTIM).filter(isReverse)).toEqual([]);
    expect(
      net
        .sentTo(VICTIM)
        .every((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.granted === undefined),
    ).toBe(true);
  });

  it('a flood of forged probe-back requests from many sources: no probe back, answers within the ratio', async () => {
    const { net } = await responder();
    let injected = 0;
    for (let i = 0; i < 1000; i++) {
      const probe = forgedProbe(
        { runId: (0xa0000000 + i).toString(16), seq: 0, sentUs: 0, back: ask100 },
        53,
      );
      injected += probe.length;
      const from = { address: `10.0.${1 + (i % 4)}.${1 + (i % 250)}`, port: 1024 + i };
      net.inject(probe, from, { address: B, port: 2425 });
      if (i % 100 === 99) await net.clock.advance(100);
    }
    await net.clock.advance(10_000);
    const sent = net.sentFrom(B);
    expect(sent.filter(isReverse)).toEqual([]);
    expect(sent.every((d) => d.from.port === 2425)).toBe(true);
    expect(bytesOf(sent)).toBeLessThanOrEqual(MAX_ANSWER_RATIO * injected);
    report('forged flood', {
      requests: 1000,
      injected,
      sent: bytesOf(sent),
      datagrams: sent.length,
    });
  });

  it('many real requesters at once: probe back stays within the global budget', async () => {
    const { net, b } = await responder();
    const askers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => startDiagnosedEngine(net, `10.0.0.${10 + i}`)),
    );
    net.log.length = 0;
    const runs = askers.map((a) =>
      runEcho(a.engine, { to: B, count: 3, intervalMs: 10, size: 1472, probeBack: 100 }),
    );
    await net.clock.advance(30_000);
    const results = await Promise.all(runs);
    const back = net.sentFrom(B).filter(isReverse);
    const busiest = busiestSecond(back);
    const grants = results.map((r) => r.reverse?.granted);
    report('real requesters', {
      askers: askers.length,
      grants,
      backDatagrams: back.length,
      busiest,
    });
    expect(busiest.datagrams).toBeLessThanOrEqual(PROBE_BACK_LIMITS.datagramsPerSecond);
    expect(busiest.bytes).toBeLessThanOrEqual(PROBE_BACK_LIMITS.bytesPerSecond);
    // Every requester got an answer; those granted got every probe they were promised.
    expect(grants.every((g) => g === 0 || g === 100)).toBe(true);
    expect(grants.filter((g) => g === 100).length).toBeGreaterThanOrEqual(2);
    for (const r of results) {
      if (r.reverse?.granted) expect(r.reverse).toMatchObject({ received: 100, loss: 0 });
    }
    expect(b.engine.stats().received).toBeGreaterThan(0);
  });
});

describe('a Pigeon requester through the cookie exchange', () => {
  it('gets all its probes back, and nothing is sent back before the cookie returned', async () => {
    const { net } = await responder();
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    net.log.length = 0;
    const run = runEcho(a.engine, { to: B, count: 5, intervalMs: 100, size: 1472, probeBack: 100 });
    await net.clock.advance(30_000);
    const r = await run;
    expect(r.stats).toMatchObject({ sent: 5, received: 5, duplicates: 0 });
    expect(r.reverse).toEqual({
      requested: 100,
      granted: 100,
      received: 100,
      duplicates: 0,
      loss: 0,
    });
    const fromA = net
      .sentFrom('10.0.0.1')
      .map((d) => ({ d, p: decodeProbe(packetOf(d)?.extra ?? new Uint8Array()) }));
    const proof = fromA.find((x) => x.p?.proof !== undefined);
    const firstBack = net.sentFrom(B).find(isReverse);
    expect(proof).toBeDefined();
    expect(firstBack?.sentAt).toBeGreaterThanOrEqual(proof?.d.sentAt ?? Infinity);
    // The first request was answered with the cookie the proof returned.
    const challenge = net
      .sentFrom(B, 2425)
      .find((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.cookie);
    expect(
      decodeProbe(packetOf(challenge ?? { bytes: new Uint8Array() })?.extra ?? new Uint8Array())
        ?.cookie,
    ).toBe(proof?.p?.proof);
  });

  it('an older requester that does not know the cookie gets no probes back', async () => {
    const { net } = await responder();
    // What an older Pigeon sends: the request on its first three probes, nothing more.
    for (let seq = 0; seq < 3; seq++) {
      net.inject(
        forgedProbe(
          { runId: 'b1b2c3d4', seq, sentUs: 0, back: { count: 10, intervalMs: 10, size: 200 } },
          200,
        ),
        { address: '10.0.0.5', port: 2425 },
        { address: B, port: 2425 },
      );
    }
    await net.clock.advance(5000);
    const answers = net
      .sentTo('10.0.0.5')
      .map((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array()));
    expect(answers).toHaveLength(3);
    // No a=: such a requester reports the grant as unknown, as with any Pigeon that cannot.
    expect(answers.every((p) => p?.granted === undefined && p?.cookie !== undefined)).toBe(true);
    expect(net.sentTo('10.0.0.5').filter(isReverse)).toEqual([]);
  });
});

describe('plain echo answers on a hostile LAN', () => {
  it('are never sent to a broadcast, multicast, network, unspecified or own address', async () => {
    const { net } = await responder();
    const forbidden = ['10.0.0.255', '255.255.255.255', '224.0.0.251', '10.0.0.0', '0.0.0.0', B];
    const probe = forgedProbe({ runId: 'c1c2c3d4', seq: 0, sentUs: 0 }, 100);
    for (const address of [...forbidden, '10.0.0.50']) {
      net.inject(probe, { address, port: 9999 }, { address: B, port: 2425 });
    }
    await net.clock.advance(1000);
    const answered = net.sentFrom(B, 2425).map((d) => d.to.address);
    // The control: an ordinary address is answered, so the guard is what stops the others.
    expect(answered).toEqual(['10.0.0.50']);
  });

  it('are no bigger than the probe when its padding allows, and never over the ratio', async () => {
    const { net } = await responder();
    const from = { address: '10.0.0.50', port: 2425 };
    for (const size of [300, 1472]) {
      net.inject(forgedProbe({ runId: 'd1d2d3d4', seq: size, sentUs: 0 }, size), from, {
        address: B,
        port: 2425,
      });
    }
    // Bare probes: nothing to trim. A Pigeon's (its header is as long as ours) is answered,
    // within the ratio; a forger's shortest one would be answered with over twice its size.
    const bare = forgedProbe(
      { runId: 'd1d2d3d4', seq: 1, sentUs: 0 },
      0,
      '1_pigeon 0.1.0:1:u:h:224:',
    );
    const tiny = forgedProbe({ runId: 'd1d2d3d4', seq: 2, sentUs: 0 }, 0);
    net.inject(bare, from, { address: B, port: 2425 });
    net.inject(tiny, from, { address: B, port: 2425 });
    await net.clock.advance(1000);
    const answers = net.sentTo('10.0.0.50');
    expect(answers.map((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.seq)).toEqual([
      300, 1472, 1,
    ]);
    expect(answers.map((d) => d.bytes.length).slice(0, 2)).toEqual([300, 1472]);
    expect(answers.every((d) => packetOf(d)?.command === Mode.PIGEON_ECHO_REPLY)).toBe(true);
    expect(answers.map((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.intact)).toEqual(
      [true, true, true],
    );
    expect(answers[2]?.bytes.length ?? Infinity).toBeLessThanOrEqual(
      MAX_ANSWER_RATIO * bare.length,
    );
  });
});

function report(what: string, figures: Record<string, unknown>): void {
  console.log(`[echo amplification] ${what}: ${JSON.stringify(figures)}`);
}
