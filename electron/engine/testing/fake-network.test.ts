import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock';
import {
  delayWhere,
  dropFirst,
  dropWhere,
  duplicateWhere,
  FakeNetwork,
  modeIs,
  mulberry32,
  randomDelay,
  toAddress,
} from './fake-network';

const text = (u: Uint8Array) => new TextDecoder().decode(u);
const b = (s: string) => new TextEncoder().encode(s);

async function hosts(...addresses: string[]) {
  const clock = new FakeClock(0);
  const net = new FakeNetwork(clock);
  const ts = [];
  for (const a of addresses) {
    const t = net.socket(a);
    await t.bind('0.0.0.0', 2425);
    ts.push(t);
  }
  return { clock, net, ts };
}

describe('FakeNetwork', () => {
  it('delivers unicast by address:port, with the sender as source, on the clock', async () => {
    const { clock, ts } = await hosts('10.0.0.1', '10.0.0.2');
    const [a, bb] = ts;
    const got: string[] = [];
    bb?.onDatagram((d) => got.push(`${d.address}:${d.port} ${text(d.bytes)}`));
    await a?.send(b('hi'), '10.0.0.2', 2425);
    expect(got).toEqual([]); // never synchronous
    await clock.flush();
    expect(got).toEqual(['10.0.0.1:2425 hi']);
  });

  it('loses datagrams to nobody (wrong port, unknown host) silently', async () => {
    const { clock, net, ts } = await hosts('10.0.0.1', '10.0.0.2');
    await ts[0]?.send(b('x'), '10.0.0.2', 9999);
    await ts[0]?.send(b('x'), '10.0.0.3', 2425);
    await clock.flush();
    expect(ts[1]?.received).toEqual([]);
    expect(net.stats.unroutable).toBe(2);
  });

  it('broadcasts to the subnet (sender included) and 255.255.255.255 to everyone on the port', async () => {
    const { clock, ts } = await hosts('10.0.0.1', '10.0.0.2', '10.0.1.1');
    await ts[0]?.send(b('subnet'), '10.0.0.255', 2425);
    await ts[0]?.send(b('all'), '255.255.255.255', 2425);
    await clock.flush();
    expect(ts.map((t) => t.received.map((d) => text(d.bytes)))).toEqual([
      ['subnet', 'all'],
      ['subnet', 'all'],
      ['all'],
    ]);
  });

  it('binds like a socket: ephemeral ports, EADDRINUSE, EADDRNOTAVAIL, close', async () => {
    const { net } = await hosts('10.0.0.1');
    const again = net.socket('10.0.0.1');
    await expect(again.bind('0.0.0.0', 2425)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(net.socket('10.0.0.1').bind('10.0.0.9', 2425)).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    const eph = net.socket('10.0.0.1');
    await eph.bind('10.0.0.1', 0);
    expect(eph.local()).toEqual({ address: '10.0.0.1', port: 40000 });
    await eph.close();
    expect(eph.local()).toEqual({ address: '', port: 0 });
    await expect(eph.send(b('x'), '10.0.0.1', 2425)).rejects.toThrow(/not bound/);
    expect(() => net.socket('nope')).toThrow();
  });

  it('a closed socket hears nothing that was still in flight', async () => {
    const { clock, ts } = await hosts('10.0.0.1', '10.0.0.2');
    await ts[0]?.send(b('x'), '10.0.0.2', 2425);
    await ts[1]?.close();
    await clock.flush();
    expect(ts[1]?.received).toEqual([]);
  });

  it('hooks drop, duplicate, delay and alter; the first hook with an answer wins', async () => {
    const { clock, net, ts } = await hosts('10.0.0.1', '10.0.0.2', '10.0.0.3');
    const times: string[] = [];
    ts[1]?.onDatagram((d) => times.push(`${clock.now()} ${text(d.bytes)}`));
    const remove = net.use(dropWhere(toAddress('10.0.0.3')));
    net.use(delayWhere((d) => text(d.bytes) === 'slow', 500));
    net.use(duplicateWhere((d) => text(d.bytes) === 'twice', 2, 10));
    net.use((d) => (text(d.bytes) === 'edit' ? [{ delayMs: 1, bytes: b('edited') }] : undefined));
    for (const s of ['slow', 'twice', 'edit', 'plain']) await ts[0]?.send(b(s), '10.0.0.2', 2425);
    await ts[0]?.send(b('dropped'), '10.0.0.3', 2425);
    await clock.advance(1000);
    expect(times).toEqual(['0 twice', '0 plain', '1 edited', '10 twice', '500 slow']);
    expect(ts[2]?.received).toEqual([]);
    expect(net.stats.dropped).toBe(1);
    remove();
    await ts[0]?.send(b('now'), '10.0.0.3', 2425);
    await clock.flush();
    expect(ts[2]?.received.map((d) => text(d.bytes))).toEqual(['now']);
    // The log holds what was sent, before any hook.
    expect(net.log.map((d) => text(d.bytes))).toEqual([
      'slow',
      'twice',
      'edit',
      'plain',
      'dropped',
      'now',
    ]);
  });

  it('dropFirst drops only the first n matches', async () => {
    const { clock, net, ts } = await hosts('10.0.0.1', '10.0.0.2');
    net.use(dropFirst(2, () => true));
    for (const s of ['1', '2', '3']) await ts[0]?.send(b(s), '10.0.0.2', 2425);
    await clock.flush();
    expect(ts[1]?.received.map((d) => text(d.bytes))).toEqual(['3']);
  });

  it('randomDelay reorders reproducibly from its seed', async () => {
    const run = async (seed: number) => {
      const { clock, net, ts } = await hosts('10.0.0.1', '10.0.0.2');
      net.use(randomDelay({ seed, maxMs: 100, duplicateRate: 0.2 }));
      for (let i = 0; i < 30; i++) await ts[0]?.send(b(String(i)), '10.0.0.2', 2425);
      await clock.advance(200);
      return ts[1]?.received.map((d) => text(d.bytes)) ?? [];
    };
    const a = await run(7);
    expect(a).toEqual(await run(7));
    expect(a).not.toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    expect(new Set(a).size).toBe(30); // reordered and duplicated, nothing lost
    expect(a.length).toBeGreaterThan(30);
  });

  it('modeIs matches IPMsg datagrams by mode; inject forges a sender', async () => {
    const { clock, net, ts } = await hosts('10.0.0.2');
    net.use(dropWhere(modeIs(0x21)));
    net.inject(
      b('1:1:u:h:289:5\0'),
      { address: '10.9.9.9', port: 1234 },
      { address: '10.0.0.2', port: 2425 },
    );
    net.inject(
      b('1:2:u:h:288:hi\0'),
      { address: '10.9.9.9', port: 1234 },
      { address: '10.0.0.2', port: 2425 },
    );
    net.inject(
      b('garbage'),
      { address: '10.9.9.9', port: 1234 },
      { address: '10.0.0.2', port: 2425 },
    );
    await clock.flush();
    expect(ts[0]?.received.map((d) => `${d.address}:${d.port} ${text(d.bytes)}`)).toEqual([
      '10.9.9.9:1234 1:2:u:h:288:hi\0',
      '10.9.9.9:1234 garbage',
    ]);
    expect(net.sentFrom('10.9.9.9')).toHaveLength(3);
    expect(net.sentTo('10.0.0.2', 2425)).toHaveLength(3);
  });

  it('sendError makes a send reject without putting anything on the wire', async () => {
    const clock = new FakeClock(0);
    const net = new FakeNetwork(clock, {
      sendError: (d) => (d.to.address === '10.0.0.9' ? new Error('EPERM') : undefined),
    });
    const t = net.socket('10.0.0.1');
    await t.bind('0.0.0.0', 2425);
    await expect(t.send(b('x'), '10.0.0.9', 2425)).rejects.toThrow('EPERM');
    expect(net.log).toEqual([]);
  });

  it('latencyMs delays every delivery', async () => {
    const clock = new FakeClock(0);
    const net = new FakeNetwork(clock, { latencyMs: 3 });
    const [x, y] = [net.socket('10.0.0.1'), net.socket('10.0.0.2')];
    await x.bind('0.0.0.0', 2425);
    await y.bind('0.0.0.0', 2425);
    await x.send(b('x'), '10.0.0.2', 2425);
    await clock.advance(2);
    expect(y.received).toHaveLength(0);
    await clock.advance(1);
    expect(y.received).toHaveLength(1);
  });

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const r1 = mulberry32(1);
    const r2 = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const v = r1();
      expect(v).toBe(r2());
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});
