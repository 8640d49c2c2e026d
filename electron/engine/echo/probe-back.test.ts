import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork } from '../testing/fake-network';
import { decodeProbe, encodeProbe } from './echo-probe-format';
import { ProbeBackResponder } from './probe-back';

function setup() {
  const clock = new FakeClock(0);
  const net = new FakeNetwork(clock);
  const responder = new ProbeBackResponder({
    clock,
    build: (fields, size) => encodeProbe(fields, size),
    openSocket: () => net.socket('10.0.0.2'),
    bindAddress: () => '0.0.0.0',
  });
  return { clock, net, responder };
}

const to = { address: '10.0.0.1', port: 2425 };

describe('ProbeBackResponder', () => {
  it('sends the granted probes to the requester only, from a new port, interval apart', async () => {
    const { clock, net, responder } = setup();
    expect(responder.handle({ count: 5, intervalMs: 20, size: 200 }, 'abcdef01', to)).toBe(5);
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
    const { clock, net, responder } = setup();
    expect(responder.handle({ count: 100000, intervalMs: 0, size: 60000 }, 'abcdef01', to)).toBe(
      100,
    );
    await clock.advance(5000);
    const sent = net.sentFrom('10.0.0.2');
    expect(sent).toHaveLength(100);
    expect(Math.max(...sent.map((d) => d.bytes.length))).toBe(1472);
    expect((sent[1]?.sentAt ?? 0) - (sent[0]?.sentAt ?? 0)).toBe(10);
  });

  it('answers the repeated request of one run once, with the same grant', async () => {
    const { clock, net, responder } = setup();
    expect(responder.handle({ count: 3, intervalMs: 10, size: 64 }, 'aaaaaaaa', to)).toBe(3);
    expect(responder.handle({ count: 3, intervalMs: 10, size: 64 }, 'aaaaaaaa', to)).toBe(3);
    await clock.advance(1000);
    expect(net.sentFrom('10.0.0.2')).toHaveLength(3);
  });

  it('bounds what one address can get: one session at a time, 200 probes a minute', async () => {
    const { clock, responder } = setup();
    expect(responder.handle({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa1', to)).toBe(100);
    // a second run while the first is still sending
    expect(responder.handle({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa2', to)).toBe(0);
    await clock.advance(2000);
    expect(responder.handle({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa3', to)).toBe(100);
    await clock.advance(2000);
    expect(responder.handle({ count: 100, intervalMs: 10, size: 64 }, 'aaaaaaa4', to)).toBe(0);
    await clock.advance(60_000);
    expect(responder.handle({ count: 10, intervalMs: 10, size: 64 }, 'aaaaaaa5', to)).toBe(10);
  });

  it('caps concurrent sessions', () => {
    const { responder } = setup();
    const req = { count: 50, intervalMs: 100, size: 64 };
    const grants = [1, 2, 3, 4, 5].map((i) =>
      responder.handle(req, `bbbbbbb${i}`, { address: `10.0.0.${10 + i}`, port: 2425 }),
    );
    expect(grants).toEqual([50, 50, 50, 50, 0]);
  });

  it('stop() ends every session', async () => {
    const { clock, net, responder } = setup();
    responder.handle({ count: 50, intervalMs: 100, size: 64 }, 'cccccccc', to);
    await clock.advance(250);
    responder.stop();
    await clock.advance(10_000);
    expect(net.sentFrom('10.0.0.2')).toHaveLength(3);
  });
});
