import { describe, expect, it } from 'vitest';
import { interfacesReport } from './interfaces-report';
import { linkLayerPresence, routeTo } from './system-probes';
import { eth0, lo, wifi } from '../../../shared/diagnostics/testing/sample-interfaces';

describe('interfaces report', () => {
  it('says which interfaces Pigeon announces and listens on', () => {
    const r = interfacesReport(
      {
        bind: '0.0.0.0',
        port: 2425,
        broadcastTargets: ['192.168.1.255'],
        unicastHosts: [],
        now: 1,
      },
      [eth0, wifi, lo],
      (name) => (name === 'lo' ? 65536 : 1500),
    );
    expect(r.interfaces).toEqual([
      {
        ...eth0,
        prefix: 24,
        subnet: '192.168.1.0/24',
        mtu: 1500,
        announced: true,
        listening: true,
      },
      {
        ...wifi,
        prefix: 20,
        subnet: '10.20.16.0/20',
        mtu: 1500,
        announced: false,
        listening: true,
      },
      { ...lo, prefix: 8, subnet: '127.0.0.0/8', mtu: 65536, announced: false, listening: true },
    ]);
  });
});

describe('kernel questions', () => {
  it('routeTo names the source address and interface for loopback', async () => {
    const r = await routeTo('127.0.0.1', 9, () => [lo]);
    expect(r).toEqual({ sourceAddress: '127.0.0.1', interface: 'lo' });
  });

  it('reads the ARP table', () => {
    const table = [
      'IP address       HW type     Flags       HW address            Mask     Device',
      '198.18.0.11      0x1         0x2         aa:bb:cc:dd:ee:ff     *        eth0',
      '198.18.0.12      0x1         0x0         00:00:00:00:00:00     *        eth0',
    ].join('\n');
    expect(linkLayerPresence('198.18.0.11', () => table)).toBe('present');
    expect(linkLayerPresence('198.18.0.12', () => table)).toBe('absent');
    expect(linkLayerPresence('198.18.0.13', () => table)).toBe('unknown');
    expect(
      linkLayerPresence('1.2.3.4', () => {
        throw new Error('no /proc');
      }),
    ).toBe('unknown');
  });
});
