import { describe, expect, it } from 'vitest';
import { cidr, coveredBy, inSubnet, prefixLength } from '../../../shared/protocol';
import { describeInterface, interfacesReport } from './interfaces-report';
import { linkLayerPresence, routeTo } from './system-probes';

const eth0 = {
  name: 'eth0',
  address: '192.168.1.23',
  netmask: '255.255.255.0',
  broadcast: '192.168.1.255',
  internal: false,
};
const wifi = {
  name: 'wlan0',
  address: '10.20.30.40',
  netmask: '255.255.240.0',
  broadcast: '10.20.31.255',
  internal: false,
};
const lo = {
  name: 'lo',
  address: '127.0.0.1',
  netmask: '255.0.0.0',
  broadcast: '127.255.255.255',
  internal: true,
};

describe('subnet arithmetic', () => {
  it('prefix lengths, CIDR and membership', () => {
    expect(prefixLength('255.255.255.0')).toBe(24);
    expect(prefixLength('255.255.240.0')).toBe(20);
    expect(prefixLength('0.0.0.0')).toBe(0);
    expect(prefixLength('255.255.255.255')).toBe(32);
    expect(cidr('10.20.30.40', 20)).toBe('10.20.16.0/20');
    expect(inSubnet('10.20.17.1', '10.20.30.40', 20)).toBe(true);
    expect(inSubnet('10.20.32.1', '10.20.30.40', 20)).toBe(false);
    expect(coveredBy('10.0.2.7', '10.0.2.0/24')).toBe(true);
    expect(coveredBy('10.0.2.7', '10.0.2.7')).toBe(true);
    expect(coveredBy('10.0.2.7', '10.0.3.0/24')).toBe(false);
    expect(coveredBy('10.0.2.7', 'garbage')).toBe(false);
  });
});

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

  it('the limited broadcast announces on every external interface; a bound address listens on one', () => {
    const ctx = { bind: '10.20.30.40', broadcastTargets: ['255.255.255.255'] };
    expect(describeInterface(eth0, ctx, () => null)).toMatchObject({
      announced: true,
      listening: false,
    });
    expect(describeInterface(wifi, ctx, () => null)).toMatchObject({
      announced: true,
      listening: true,
    });
    expect(describeInterface(lo, ctx, () => null)).toMatchObject({ announced: false });
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
