import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork } from '../testing/fake-network';
import { decodeProbe, encodeProbe, type ProbeBackRequest } from './echo-probe-format';
import {
  PROBE_BACK_LIMITS,
  ProbeBackResponder,
  type ProbeBackAnswer,
  type ProbeBackLimits,
} from './probe-back';
import { ProbeBackBudget } from './probe-back-budget';

function setup(limits: Partial<ProbeBackLimits> = {}) {
  const clock = new FakeClock(0);
  const net = new FakeNetwork(clock);
  const responder = new ProbeBackResponder({
    clock,
    build: (fields, size) => encodeProbe(fields, size),
    openSocket: () => net.socket('10.0.0.2'),
    bindAddress: () => '0.0.0.0',
    limits,
  });
  /** The whole exchange a real requester makes: ask, get the cookie, ask again with it. */
  const ask = (req: ProbeBackRequest, runId: string, from = to): number => {
    const first = responder.handle(req, runId, from, undefined);
    if (!('cookie' in first)) throw new Error(`no cookie in ${JSON.stringify(first)}`);
    return grantOf(responder.handle(req, runId, from, first.cookie));
  };
  return { clock, net, responder, ask };
}

function grantOf(a: ProbeBackAnswer): number {
  if (!('granted' in a)) throw new Error(`no grant in ${JSON.stringify(a)}`);
  return a.granted;
}

const to = { address: '10.0.0.1', port: 2425 };

describe('ProbeBackResponder', () => {
  it('sends nothing before the requester returns the cookie, and nothing on a wrong one', async () => {
    const { clock, net, responder } = setup();
    const req = { count: 100, intervalMs: 10, size: 1472 };
    const first = responder.handle(req, 'abcdef01', to, undefined);
    expect(first).toEqual({ cookie: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const cookie = 'cookie' in first ? first.cookie : '';
    // Someone else's cookie, a made-up one, one for another run: a fresh challenge each time.
    const elsewhere = { address: '10.0.0.9', port: 2425 };
    expect(responder.handle(req, 'abcdef01', elsewhere, cookie)).toHaveProperty('cookie');
    expect(responder.handle(req, 'abcdef01', to, 'ffffffffffffffff')).toHaveProperty('cookie');
    expect(responder.handle(req, 'abcdef02', to, cookie)).toHaveProperty('cookie');
    await clock.advance(5000);
    expect(net.sentFrom('10.0.0.2')).toEqual([]);
    expect(responder.activeSessions()).toBe(0);
    expect(responder.handle(req, 'abcdef01', to, cookie)).toEqual({ granted: 100 });
  });

  it('keeps every second within the global budget, however many requesters hold cookies', async () => {
    const { clock, net, ask } = setup();
    const grants: number[] = [];
    // 60 addresses, one new request every 50 ms, each for the most a request can get.
    for (let i = 0; i < 60; i++) {
      grants.push(
        ask({ count: 100, intervalMs: 10, size: 1472 }, `eeeeee${(i + 16).toString(16)}`, {
          address: `10.0.1.${i + 1}`,
          port: 2425,
        }),
      );
      await clock.advance(50);
    }
    await clock.advance(5000);
    const sent = net.sentFrom('10.0.0.2');
    let datagrams = 0;
    let bytes = 0;
    for (const first of sent) {
      const w = sent.filter((d) => d.sentAt >= first.sentAt && d.sentAt < first.sentAt + 1000);
      datagrams = Math.max(datagrams, w.length);
      bytes = Math.max(
        bytes,
        w.reduce((sum, d) => sum + d.bytes.length, 0),
      );
    }
    expect(datagrams).toBeLessThanOrEqual(PROBE_BACK_LIMITS.datagramsPerSecond);
    expect(bytes).toBeLessThanOrEqual(PROBE_BACK_LIMITS.bytesPerSecond);
    // Admitted sessions run whole, at their pace; the rest were told a=0 at once.
    expect(sent).toHaveLength(grants.reduce((sum, g) => sum + g, 0));
    expect(grants.filter((g) => g > 0).length).toBeGreaterThanOrEqual(2);
    expect(new Set(grants)).toEqual(new Set([0, 100]));
  });

  it('admits a slower session beside a fast one when their rates fit', () => {
    const { ask } = setup({ datagramsPerSecond: 120, bytesPerSecond: 1_000_000 });
    const at = (i: number) => ({ address: `10.0.2.${i}`, port: 2425 });
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'fafafa01', at(1))).toBe(100);
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'fafafa02', at(2))).toBe(0);
    expect(ask({ count: 50, intervalMs: 50, size: 64 }, 'fafafa03', at(3))).toBe(50);
  });

  it('sends the granted probes to the requester only, from a new port, interval apart', async () => {
    const { clock, net, responder, ask } = setup();
    expect(ask({ count: 5, intervalMs: 20, size: 200 }, 'abcdef01')).toBe(5);
    await clock.advance(1000);
    const sent = net.sentFrom('10.0.0.2');
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((d) => `${d.to.address}:${d.to.port}`))).toEqual(
      new Set(['10.0.0.1:2425']),
    );
    expect(sent[0]?.from.port).not.toBe(2425);
    expect(sent.map((d) => d.sentAt)).toEqual([0, 20, 40, 60, 80]);
    expect(sent.map((d) => decodeProbe(d.bytes))).toMatchObject(
      [0, 1, 2, 3, 4].map((seq) => ({ runId: 'abcdef01', seq, reverse: true })),
    );
    expect(sent.every((d) => d.bytes.length === 200)).toBe(true);
    expect(responder.activeSessions()).toBe(0);
  });

  it('clamps count, interval and size', async () => {
    const { clock, net, ask } = setup();
    expect(ask({ count: 100000, intervalMs: 0, size: 60000 }, 'abcdef01')).toBe(100);
    await clock.advance(5000);
    const sent = net.sentFrom('10.0.0.2');
    expect(sent).toHaveLength(100);
    expect(Math.max(...sent.map((d) => d.bytes.length))).toBe(1472);
    expect((sent[1]?.sentAt ?? 0) - (sent[0]?.sentAt ?? 0)).toBe(10);
  });

  it('answers the repeated request of one run once, with the same grant', async () => {
    const { clock, net, ask } = setup();
    expect(ask({ count: 3, intervalMs: 10, size: 64 }, 'aaaaaaaa')).toBe(3);
    expect(ask({ count: 3, intervalMs: 10, size: 64 }, 'aaaaaaaa')).toBe(3);
    await clock.advance(1000);
    expect(net.sentFrom('10.0.0.2')).toHaveLength(3);
  });

  it('bounds what one address can get: one session at a time, 200 probes a minute', async () => {
    const { clock, ask } = setup();
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa1')).toBe(100);
    // a second run while the first is still sending
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa2')).toBe(0);
    await clock.advance(2000);
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa3')).toBe(100);
    await clock.advance(2000);
    expect(ask({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa4')).toBe(0);
    await clock.advance(60_000);
    expect(ask({ count: 10, intervalMs: 10, size: 64 }, 'aaaaaaa5')).toBe(10);
  });

  it('caps concurrent sessions', () => {
    const { ask } = setup();
    const req = { count: 50, intervalMs: 100, size: 64 };
    const grants = [1, 2, 3, 4, 5].map((i) =>
      ask(req, `bbbbbbb${i}`, { address: `10.0.0.${10 + i}`, port: 2425 }),
    );
    expect(grants).toEqual([50, 50, 50, 50, 0]);
  });

  it('stop() ends every session', async () => {
    const { clock, net, responder, ask } = setup();
    ask({ count: 50, intervalMs: 100, size: 64 }, 'cccccccc');
    await clock.advance(250);
    responder.stop();
    await clock.advance(10_000);
    expect(net.sentFrom('10.0.0.2')).toHaveLength(3);
  });
});

describe('ProbeBackBudget', () => {
  it('holds a send back until the last second has room, by datagrams and by bytes', () => {
    const budget = new ProbeBackBudget({ datagramsPerSecond: 3, bytesPerSecond: 250 });
    expect([0, 10, 20].map((t) => budget.take(50, t))).toEqual([0, 0, 0]);
    expect(budget.take(50, 30)).toBe(970);
    expect(budget.take(50, 1000)).toBe(0);
    expect(budget.take(200, 1001)).toBe(9);
    // by bytes: 200 + 100 > 250
    expect(budget.take(200, 5000)).toBe(0);
    expect(budget.take(100, 5001)).toBe(999);
    expect(budget.take(50, 5001)).toBe(0);
    // a datagram bigger than a whole second's bytes can never go
    expect(budget.take(300, 9000)).toBe(Infinity);
  });

  it('reserves whole datagrams per second and gives them back', () => {
    const budget = new ProbeBackBudget({ datagramsPerSecond: 100, bytesPerSecond: 10_000 });
    const r = budget.reserve(30, 100);
    expect(r).toEqual({ datagramsPerSecond: 34, bytesPerSecond: 3400 });
    expect(budget.reserve(30, 100)).toBeDefined();
    expect(budget.reserve(30, 100)).toBeUndefined();
    if (r) budget.release(r);
    expect(budget.reserve(30, 100)).toBeDefined();
  });
});
