import { describe, expect, it } from 'vitest';
import { startDiagnosedEngine } from '../echo/testing/diagnostics-node';
import { FakeClock } from '../testing/fake-clock';
import { Mode } from '../../../shared/protocol';
import { dropWhere, FakeNetwork, packetOf } from '../testing/fake-network';

describe('runDoctor on a fake LAN', () => {
  it('all is well between two Pigeons', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2', { nick: 'bob' });
    let broadcasts = 0;
    net.use((d) => {
      const mode = (packetOf(d)?.command ?? 0) & 0xff;
      if (d.from.address === '10.0.0.1' && d.broadcast && mode === Mode.PIGEON_ECHO) broadcasts++;
      return undefined;
    });
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.2' });
    await net.clock.advance(30_000);
    const r = await p;
    expect(r.verdicts.map((v) => v.code)).toEqual(['ok']);
    expect(broadcasts).toBeGreaterThan(0);
    expect(r).toMatchObject({
      target: { address: '10.0.0.2', port: 2425, nick: 'bob', client: 'pigeon' },
      subnet: { same: true, guess: '10.0.0.0/24' },
      broadcast: { tried: true, mode: 'pigeon', reached: true },
      forward: { mode: 'pigeon', stats: { sent: 4, received: 4 } },
      reverse: { granted: 4, received: 4 },
      tcp: { state: 'open' },
    });
    expect(r.lastSeen.at).not.toBeNull();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(a.engine.handlers['diag:bundle']({}).text).toContain('10.0.0.2 answers');
  });

  it('without the broadcast step, says so: the one question that run did not answer', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2', { nick: 'bob' });
    // Broadcast echo probes from A (the broadcast step in pigeon mode), each copy counted.
    let broadcasts = 0;
    net.use((d) => {
      const mode = (packetOf(d)?.command ?? 0) & 0xff;
      if (d.from.address === '10.0.0.1' && d.broadcast && mode === Mode.PIGEON_ECHO) broadcasts++;
      return undefined;
    });
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.2', skipBroadcast: true });
    await net.clock.advance(30_000);
    const r = await p;
    expect(broadcasts).toBe(0);
    expect(r.broadcast).toEqual({ tried: false, mode: null, reached: null, skipped: true });
    expect(r.verdicts.map((v) => [v.code, v.severity])).toEqual([
      ['ok', 'ok'],
      ['broadcast-not-checked', 'info'],
    ]);
    expect(r.verdicts[1]?.text.en).toContain('pigeon doctor 10.0.0.2 --broadcast-check');
    expect(a.engine.handlers['diag:bundle']({}).text).toContain('broadcast  skipped');
  });

  it("names a one-way block: B's firewall drops what A sends", async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2');
    net.use(dropWhere((d, r) => d.from.address === '10.0.0.1' && r.address === '10.0.0.2'));
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.2' });
    await net.clock.advance(30_000);
    const r = await p;
    expect(r.verdicts[0]?.code).toBe('their-inbound-blocked');
    expect(r.forward?.stats.received).toBe(0);
  });

  it("names a one-way block the other way: A's stateful firewall", async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2');
    net.use(
      dropWhere(
        (d, r) => r.address === '10.0.0.1' && d.from.address === '10.0.0.2' && d.from.port !== 2425,
      ),
    );
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.2', skipBroadcast: true });
    await net.clock.advance(30_000);
    expect((await p).verdicts[0]?.code).toBe('our-inbound-blocked');
  });

  it('names a different subnet', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.2.7');
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.2.7' });
    await net.clock.advance(30_000);
    const r = await p;
    expect(r.verdicts.map((v) => v.code)).toEqual(['different-subnet']);
    expect(r.verdicts[0]?.text.en).toContain('10.0.2.0/24');
  });

  it('an iptux peer (no Pigeon echo) is checked with the IPMsg ping', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1', { unicastHosts: [] });
    const { IPTUX, ScriptedPeer } = await import('../testing/scripted-peer');
    const { packetOf } = await import('../testing/fake-network');
    const iptux = await ScriptedPeer.start(net, '10.0.0.10', IPTUX);
    iptux.socket.onDatagram((d) => {
      const p = packetOf(d);
      if (p && (p.command & 0xff) === 1)
        iptux.send(
          { address: d.address, port: 2425 },
          259,
          'iptux-peer\0lab\0icon-tux.png\0utf-8\0',
        );
    });
    a.engine.handlers['peers:add']({ address: '10.0.0.10' });
    await net.clock.advance(100);
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.10' });
    await net.clock.advance(30_000);
    const r = await p;
    expect(r.target.client).toBe('iptux');
    expect(r.forward).toMatchObject({ mode: 'ipmsg', stats: { received: 4 } });
    expect(r.reverse).toBeNull();
    expect(r.broadcast).toMatchObject({ mode: 'ipmsg', reached: true });
    expect(r.verdicts.map((v) => v.code)).toEqual(['ok']);
  });

  it('says so when it cannot run', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    expect(await a.engine.handlers['diag:doctor']({ to: 'garbage' })).toMatchObject({
      verdicts: [],
      error: expect.stringContaining('not an IPv4 address'),
    });
    await a.engine.stop();
    expect(await a.engine.handlers['diag:doctor']({ to: '10.0.0.2' })).toMatchObject({
      verdicts: [],
      error: 'Pigeon is not running',
    });
  });

  it('reports a port held by another program', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1', { port: 40001 }, { portConflict: 2425 });
    await startDiagnosedEngine(net, '10.0.0.2');
    const p = a.engine.handlers['diag:doctor']({ to: '10.0.0.2' });
    await net.clock.advance(30_000);
    const r = await p;
    expect(r.target.port).toBe(2425);
    expect(r.local).toMatchObject({ port: 40001, portInUse: true });
    expect(r.verdicts[0]?.code).toBe('port-in-use');
  });
});
