import { describe, expect, it } from 'vitest';
import { Mode } from '../../../shared/protocol';
import { startDiagnosedEngine } from '../echo/testing/diagnostics-node';
import type { Ipv4Interface } from '../../../shared/net/ipv4';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork, packetOf } from '../testing/fake-network';
import { TrafficLog } from './traffic-log';

const entriesFrom = (net: FakeNetwork, address: string) =>
  net.sentFrom(address).filter((d) => ((packetOf(d)?.command ?? 0) & 0xff) === Mode.BR_ENTRY);

describe('engine diagnostics', () => {
  it('re-announces by itself when an address comes or goes, and after sleep', async () => {
    const net = new FakeNetwork(new FakeClock());
    let list: Ipv4Interface[] = [
      {
        name: 'eth0',
        address: '10.0.0.1',
        netmask: '255.255.255.0',
        broadcast: '10.0.0.255',
        internal: false,
      },
    ];
    const a = await startDiagnosedEngine(
      net,
      '10.0.0.1',
      {},
      { watchIntervalMs: 1000, listInterfaces: () => list },
    );
    const before = entriesFrom(net, '10.0.0.1').length;
    list = [
      ...list,
      {
        name: 'wlan0',
        address: '10.9.0.5',
        netmask: '255.255.0.0',
        broadcast: '10.9.255.255',
        internal: false,
      },
    ];
    await net.clock.advance(1000);
    expect(a.of('network-changed')).toMatchObject([
      { reason: 'addresses', added: ['wlan0 10.9.0.5/16'], removed: [] },
    ]);
    expect(a.of('network-changed')[0]?.interfaces.map((i) => i.name)).toEqual(['eth0', 'wlan0']);
    expect(entriesFrom(net, '10.0.0.1').length).toBeGreaterThan(before);
    const n = entriesFrom(net, '10.0.0.1').length;
    net.clock.jump(10 * 60_000);
    await net.clock.advance(1000);
    expect(a.of('network-changed').at(-1)?.reason).toBe('resume');
    expect(entriesFrom(net, '10.0.0.1').length).toBeGreaterThan(n);
    await a.engine.stop();
  });

  it('lists interfaces with what Pigeon does on them', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    expect(a.engine.interfaces()).toMatchObject({
      bind: '0.0.0.0',
      port: 2425,
      broadcastTargets: ['10.0.0.255'],
      interfaces: [
        { name: 'eth0', subnet: '10.0.0.0/24', mtu: 1500, announced: true, listening: true },
      ],
    });
  });

  it('the bundle can be redacted', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1', { nick: 'alice' });
    await startDiagnosedEngine(net, '10.0.0.2', { nick: 'bob' });
    await net.clock.advance(100);
    const plain = a.engine.diagnosticsBundle();
    expect(plain).toContain('10.0.0.2:2425  pigeon');
    expect(plain).toContain('bob');
    const redacted = a.engine.diagnosticsBundle({ redact: true });
    expect(redacted).not.toMatch(/10\.0\.0|alice|bob/);
  });
});

describe('TrafficLog', () => {
  it('remembers the last packet per address and tells answers from unsolicited packets', () => {
    const log = new TrafficLog(2, 3);
    log.record('10.0.0.2', 2425, Mode.BR_ENTRY, 100, 1);
    log.record('10.0.0.2', 2425, Mode.ANSENTRY, 100, 2);
    log.record('10.0.0.2', 2425, Mode.PIGEON_ECHO_REPLY, 64, 3);
    expect(log.get('10.0.0.2')).toEqual({
      address: '10.0.0.2',
      port: 2425,
      at: 3,
      packets: 3,
      unsolicited: 1,
      mode: 'PIGEON_ECHO_REPLY',
    });
    log.record('10.0.0.3', 2425, Mode.SENDMSG, 10, 4);
    log.record('10.0.0.4', 2425, Mode.SENDMSG, 10, 5);
    expect(log.get('10.0.0.2')).toBeUndefined(); // the oldest address went
    expect(log.recent().map((l) => l.at)).toEqual([3, 4, 5]);
  });
});
