import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract';
import { Mode } from '../../../shared/protocol';
import { runEcho } from '../run-echo';
import { FakeClock } from '../testing/fake-clock';
import {
  delayWhere,
  dropFirst,
  dropWhere,
  FakeNetwork,
  modeIs,
  packetOf,
  type NetworkHook,
} from '../testing/fake-network';
import { IPTUX, ScriptedPeer } from '../testing/scripted-peer';
import { decodeProbe, encodeProbe } from './echo-probe-format';
import { UdpEchoServer } from './echo-server';
import { startDiagnosedEngine } from './testing/diagnostics-node';

const A = '10.0.0.1';
const B = '10.0.0.2';

async function pair(settingsB = {}) {
  const net = new FakeNetwork(new FakeClock());
  const a = await startDiagnosedEngine(net, A);
  const b = await startDiagnosedEngine(net, B, settingsB);
  return { net, a, b };
}

/** Let a run finish on the fake clock. */
async function settle<T>(net: FakeNetwork, p: Promise<T>, ms = 30_000): Promise<T> {
  await net.clock.advance(ms);
  return p;
}

describe('pigeon echo between two engines', () => {
  it('measures round trips and reports progress and the result as events', async () => {
    const { net, a } = await pair();
    net.use(delayWhere(modeIs(Mode.PIGEON_ECHO, Mode.PIGEON_ECHO_REPLY), 4));
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 10, intervalMs: 100, size: 300 }),
    );
    expect(r).toMatchObject({ state: 'done', mode: 'pigeon', size: 300 });
    expect(r.target).toMatchObject({ address: B, port: 2425, peerId: `${B}:2425` });
    expect(r.stats).toMatchObject({
      sent: 10,
      received: 10,
      loss: 0,
      duplicates: 0,
      rttMs: { min: 8, p50: 8, max: 8 },
      jitterMs: 0,
    });
    const progress = a.of('echo:progress').filter((e) => e.runId === r.runId);
    expect(progress.flatMap((e) => e.probes).map((p) => p.kind)).toEqual(Array(10).fill('reply'));
    expect(a.of('echo:done')).toEqual([r]);
    // Every window is told of the run before any progress of it.
    expect(a.of('echo:started')).toMatchObject([
      { runId: r.runId, mode: 'pigeon', count: 10, size: 300, target: { address: B } },
    ]);
    const order = a.events.map((e) => e.channel).filter((c) => c.startsWith('echo:'));
    expect(order[0]).toBe('echo:started');
    expect(order.at(-1)).toBe('echo:done');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    // every probe and answer is exactly 300 bytes on the wire
    const sizes = net.log
      .filter((d) =>
        ([Mode.PIGEON_ECHO, Mode.PIGEON_ECHO_REPLY] as number[]).includes(
          (packetOf(d)?.command ?? 0) & 0xff,
        ),
      )
      .map((d) => d.bytes.length);
    expect(new Set(sizes)).toEqual(new Set([300]));
  });

  it('counts what the network drops', async () => {
    const { net, a } = await pair();
    let n = 0;
    // every 4th probe is dropped on its way to B
    net.use(dropWhere((d) => (packetOf(d)?.command ?? 0) === Mode.PIGEON_ECHO && n++ % 4 === 3));
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 100, intervalMs: 10, timeoutMs: 500 }),
    );
    expect(r.stats).toMatchObject({ sent: 100, received: 75, lost: 25, loss: 0.25 });
  });

  it('sees delay and jitter added on the path', async () => {
    const { net, a } = await pair();
    let i = 0;
    const hook: NetworkHook = (d) =>
      (packetOf(d)?.command ?? 0) === Mode.PIGEON_ECHO_REPLY ? [20 + (i++ % 2) * 10] : undefined;
    net.use(hook);
    const r = await settle(net, runEcho(a.engine, { to: B, count: 20, intervalMs: 100 }));
    expect(r.stats.rttMs).toMatchObject({ min: 20, max: 30, avg: 25 });
    expect(r.stats.jitterMs).toBe(10);
  });

  it('gets nothing back from a peer that does not answer echo', async () => {
    const { net, a } = await pair({ answerEcho: false });
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 3, intervalMs: 100, timeoutMs: 200 }),
    );
    expect(r.stats).toMatchObject({ sent: 3, received: 0, loss: 1 });
  });

  it('fails cleanly for a bad request, and can be cancelled', async () => {
    const { net, a } = await pair();
    // A request the engine cannot run is refused (ContractError), not run as a failed result.
    await expect(runEcho(a.engine, { to: 'nowhere', count: 3 })).rejects.toMatchObject({
      code: 'invalid-request',
      message: expect.stringContaining('IPv4'),
    });
    expect(() => a.engine.handlers['echo:start']({ to: B, count: 0 })).toThrow(ContractError);
    expect(a.of('echo:started')).toEqual([]);
    const { runId } = a.engine.handlers['echo:start']({ to: B, count: 100, intervalMs: 100 });
    await net.clock.advance(450);
    expect(a.engine.handlers['echo:stop']({ runId })).toEqual({ stopped: true });
    await net.clock.flush();
    const r = a.of('echo:done').find((x) => x.runId === runId);
    expect(r?.state).toBe('cancelled');
    expect(r?.stats.sent).toBe(5);
    expect(a.engine.handlers['echo:stop']({ runId })).toEqual({ stopped: false });
  });

  it('refuses to start a run when the engine is not running', async () => {
    const { a } = await pair();
    await a.engine.stop();
    let thrown: unknown;
    try {
      a.engine.handlers['echo:start']({ to: B, count: 3 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ContractError);
    expect(thrown).toMatchObject({ code: 'not-running' });
  });
});

describe('probe back', () => {
  it('the peer sends probes back from a new port, and the run counts them', async () => {
    const { net, a } = await pair();
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 4, intervalMs: 100, timeoutMs: 500, probeBack: 6 }),
    );
    expect(r.stats.received).toBe(4);
    expect(r.reverse).toEqual({ requested: 6, granted: 6, received: 6, duplicates: 0, loss: 0 });
    const back = net.log.filter(
      (d) => d.from.address === B && decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.reverse,
    );
    expect(back).toHaveLength(6);
    expect(back.every((d) => d.from.port !== 2425 && d.to.port === 2425)).toBe(true);
  });

  it('tells a stateful firewall on our side (only answers get in) from a healthy path', async () => {
    const { net, a } = await pair();
    // our firewall: from B, only what comes from the port we wrote to gets in
    net.use(dropWhere((d, r) => r.address === A && d.from.address === B && d.from.port !== 2425));
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 4, intervalMs: 100, probeBack: 4 }),
    );
    expect(r.stats.received).toBe(4);
    expect(r.reverse).toMatchObject({ granted: 4, received: 0, loss: 1 });
  });

  it('learns the grant from the probes sent back when every answer to the request is lost', async () => {
    const { net, a } = await pair();
    net.use(
      dropWhere((d) => {
        const p = packetOf(d);
        return (
          (p?.command ?? 0) === Mode.PIGEON_ECHO_REPLY &&
          decodeProbe(p?.extra ?? new Uint8Array())?.granted !== undefined
        );
      }),
    );
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 4, intervalMs: 100, probeBack: 6 }),
    );
    // The grant rides only on answers to the follow-up requests (the run's own probes are
    // answered with the cookie), so every probe of the run is still answered.
    expect(r.stats.received).toBe(4);
    expect(r.reverse).toEqual({ requested: 6, granted: 6, received: 6, duplicates: 0, loss: 0 });
  });

  it('sends the cookie again when it is lost, a few times at most', async () => {
    const isFollowUp = (d: { bytes: Uint8Array }) =>
      decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.proof !== undefined &&
      packetOf(d)?.command === Mode.PIGEON_ECHO;
    const lossy = await pair();
    lossy.net.use(dropFirst(2, isFollowUp));
    const r = await settle(
      lossy.net,
      runEcho(lossy.a.engine, { to: B, count: 3, intervalMs: 100, probeBack: 5 }),
    );
    expect(r.reverse).toMatchObject({ granted: 5, received: 5 });
    expect(lossy.net.sentFrom(A).filter(isFollowUp)).toHaveLength(3);

    const deaf = await pair();
    deaf.net.use(dropWhere(isFollowUp));
    const never = await settle(
      deaf.net,
      runEcho(deaf.a.engine, { to: B, count: 3, intervalMs: 100, probeBack: 5 }),
    );
    expect(never.stats.received).toBe(3);
    expect(never.reverse).toMatchObject({ granted: null, received: 0 });
    expect(deaf.net.sentFrom(A).filter(isFollowUp)).toHaveLength(5);
  });

  it('an older Pigeon that grants at once, without a cookie, still probes back', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    const old = await ScriptedPeer.start(net, B, {
      version: '1_pigeon 0.0.1',
      user: 'o',
      host: 'old',
    });
    const back = net.socket(B);
    await back.bind('0.0.0.0', 0);
    let started = false;
    old.socket.onDatagram((d) => {
      const p = packetOf(d);
      const probe = p && (p.command & 0xff) === Mode.PIGEON_ECHO ? decodeProbe(p.extra) : undefined;
      if (!p || !probe) return;
      const granted = probe.back ? 3 : undefined;
      const answer = encodeProbe({ runId: probe.runId, seq: probe.seq, sentUs: 0, granted });
      old.send({ address: d.address, port: d.port }, Mode.PIGEON_ECHO_REPLY, answer);
      if (!probe.back || started) return;
      started = true;
      for (let seq = 0; seq < 3; seq++) {
        const r = encodeProbe({ runId: probe.runId, seq, sentUs: 0, reverse: true, reverseOf: 3 });
        void back.send(old.datagram(Mode.PIGEON_ECHO, r, 100 + seq), d.address, d.port);
      }
    });
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 2, intervalMs: 100, probeBack: 3 }),
    );
    expect(r.stats).toMatchObject({ received: 2, duplicates: 0 });
    expect(r.reverse).toEqual({ requested: 3, granted: 3, received: 3, duplicates: 0, loss: 0 });
    // no cookie was offered, so no follow-up was sent
    const proofs = net
      .sentFrom(A)
      .filter((d) => decodeProbe(packetOf(d)?.extra ?? new Uint8Array())?.proof !== undefined);
    expect(proofs).toEqual([]);
  });

  it('an older Pigeon that ignores the request leaves granted unknown', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    // a plain echoer on B: answers PIGEON_ECHO with the same extra, nothing more
    const old = await ScriptedPeer.start(net, B, {
      version: '1_pigeon 0.0.1',
      user: 'o',
      host: 'old',
    });
    old.socket.onDatagram((d) => {
      const p = packetOf(d);
      if (p && (p.command & 0xff) === Mode.PIGEON_ECHO)
        old.send({ address: d.address, port: d.port }, Mode.PIGEON_ECHO_REPLY, p.extra);
    });
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, count: 2, intervalMs: 100, probeBack: 3 }),
    );
    expect(r.stats.received).toBe(2);
    expect(r.reverse).toMatchObject({ granted: null, received: 0, loss: null });
  });
});

describe('ipmsg ping', () => {
  it('measures a unicast entry and its ANSENTRY against an iptux-like peer', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    const iptux = await ScriptedPeer.start(net, B, IPTUX);
    let skip = 0;
    iptux.socket.onDatagram((d) => {
      const p = packetOf(d);
      if (!p || (p.command & 0xff) !== Mode.BR_ENTRY) return;
      if (skip++ === 2) return; // the third entry goes unanswered
      net.clock.setTimeout(
        () =>
          iptux.send(
            { address: d.address, port: 2425 },
            259,
            'iptux-peer\0lab\0icon-tux.png\0utf-8\0',
          ),
        3,
      );
    });
    const r = await settle(
      net,
      runEcho(a.engine, { to: B, mode: 'ipmsg', count: 5, intervalMs: 200, timeoutMs: 500 }),
    );
    expect(r.stats).toMatchObject({ sent: 5, received: 4, lost: 1, rttMs: { min: 3, max: 3 } });
    expect(r.size).toBeGreaterThan(40);
    expect(a.peers().find((p) => p.address === B)?.client).toBe('iptux');
  });

  it('refuses an interval that would flood an IPMsg client', async () => {
    const { a } = await pair();
    expect(() => a.engine.handlers['echo:start']({ to: B, mode: 'ipmsg', intervalMs: 10 })).toThrow(
      ContractError,
    );
    expect(a.of('echo:started')).toEqual([]);
  });
});

describe('raw echo through the engine', () => {
  it('measures any UDP echo server from a socket of its own', async () => {
    const { net, a } = await pair();
    const server = new UdpEchoServer({
      bind: '0.0.0.0',
      port: 7,
      socket: net.socket('10.0.0.9'),
    });
    await server.start();
    const r = await settle(
      net,
      runEcho(a.engine, { to: '10.0.0.9', mode: 'raw', count: 5, intervalMs: 10 }),
    );
    expect(r).toMatchObject({ mode: 'raw', target: { port: 7 }, size: 64 });
    expect(r.stats).toMatchObject({ received: 5, altered: 0 });
    expect(
      net
        .sentFrom(A)
        .filter((d) => d.to.address === '10.0.0.9')
        .every((d) => d.from.port !== 2425),
    ).toBe(true);
  });

  it('notices an echo server that rewrites or truncates', async () => {
    const { net, a } = await pair();
    const t = net.socket('10.0.0.9');
    await t.bind('0.0.0.0', 7);
    t.onDatagram((d) => void t.send(d.bytes.subarray(0, 50), d.address, d.port));
    const r = await settle(
      net,
      runEcho(a.engine, { to: '10.0.0.9:7', mode: 'raw', count: 3, intervalMs: 10, size: 64 }),
    );
    expect(r.stats).toMatchObject({ received: 3, altered: 3 });
  });
});

describe('size sweep', () => {
  it('finds where fragments are dropped and keeps messages to that peer under it', async () => {
    const { net, a, b } = await pair();
    net.use(dropWhere((d) => d.bytes.length > 1000));
    const p = a.engine.handlers['echo:sweep']({ to: B });
    const r = await settle(net, p, 60_000);
    expect(r).toMatchObject({
      state: 'done',
      largestPassing: 1000,
      smallestFailing: 1001,
      path: { interface: 'eth0', mtu: 1500, unfragmentedMax: 1472 },
      fragmented: false,
      appliedLimit: 1000,
    });
    expect(a.of('echo:sweep-progress').length).toBe(r.steps.length);
    expect(a.of('echo:sweep-progress').every((e) => e.runId === r.runId)).toBe(true);
    a.send([B], 'x'.repeat(5000));
    await net.clock.advance(20_000);
    const parts = net.log.filter(
      (d) => d.to.address === B && ((packetOf(d)?.command ?? 0) & 0xff) === Mode.SENDMSG,
    );
    expect(parts.length).toBeGreaterThan(5);
    expect(Math.max(...parts.map((d) => d.bytes.length))).toBeLessThanOrEqual(1000);
    expect(b.received().at(-1)?.text).toBe('x'.repeat(5000));
  });

  it('says when the largest size needed fragments, and lifts no cap then', async () => {
    const { net, a } = await pair();
    const r = await settle(net, a.engine.handlers['echo:sweep']({ to: B, max: 4000 }), 60_000);
    expect(r).toMatchObject({
      largestPassing: 4000,
      smallestFailing: null,
      fragmented: true,
      appliedLimit: null,
    });
  });
});

describe('broadcast reach', () => {
  it('lists who answered a broadcast probe, per interface', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    await startDiagnosedEngine(net, B, { nick: 'bob' });
    await startDiagnosedEngine(net, '10.0.0.3', { answerEcho: false });
    const r = await settle(net, a.engine.handlers['echo:reach']({ timeoutMs: 500 }), 1000);
    expect(r.state).toBe('done');
    expect(r.targets).toEqual([{ target: '10.0.0.255', interface: 'eth0', responders: [B] }]);
    expect(r.interfaces[0]?.responders).toMatchObject([
      { address: B, nick: 'bob', client: 'pigeon' },
    ]);
  });

  it('in ipmsg mode everyone that answers an entry is listed', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, A);
    await startDiagnosedEngine(net, B);
    await startDiagnosedEngine(net, '10.0.0.3', { answerEcho: false });
    const r = await settle(
      net,
      a.engine.handlers['echo:reach']({ mode: 'ipmsg', timeoutMs: 500 }),
      1000,
    );
    expect(r.interfaces[0]?.responders.map((x) => x.address).sort()).toEqual([B, '10.0.0.3']);
  });
});
