import { describe, expect, it } from 'vitest';
import { directedBroadcast, isIpv4, type Ipv4Interface } from '../../shared/net/ipv4';
import { defaultBroadcastTargets, expandHosts, listIpv4Interfaces } from './network-interfaces';

describe('defaultBroadcastTargets', () => {
  const nic = (over: Partial<Ipv4Interface>): Ipv4Interface => ({
    name: 'eth0',
    address: '192.168.1.10',
    netmask: '255.255.255.0',
    broadcast: '192.168.1.255',
    internal: false,
    ...over,
  });

  it("is the limited broadcast plus each external interface's directed broadcast, once each", () => {
    expect(
      defaultBroadcastTargets([
        nic({}),
        nic({ name: 'eth0:1', address: '192.168.1.11' }),
        nic({
          name: 'wlan0',
          address: '10.0.5.5',
          netmask: '255.255.0.0',
          broadcast: '10.0.255.255',
        }),
        nic({
          name: 'lo',
          address: '127.0.0.1',
          netmask: '255.0.0.0',
          broadcast: '127.255.255.255',
          internal: true,
        }),
        nic({
          name: 'tun0',
          address: '10.8.0.2',
          netmask: '255.255.255.255',
          broadcast: '10.8.0.2',
        }),
      ]),
    ).toEqual(['255.255.255.255', '192.168.1.255', '10.0.255.255']);
  });

  it('is just the limited broadcast without interfaces', () => {
    expect(defaultBroadcastTargets([])).toEqual(['255.255.255.255']);
  });

  it("lists this machine's interfaces with consistent broadcasts", () => {
    for (const i of listIpv4Interfaces()) {
      expect(isIpv4(i.address)).toBe(true);
      expect(i.broadcast).toBe(directedBroadcast(i.address, i.netmask));
    }
  });
});

describe('expandHosts', () => {
  it('expands a single host', () => {
    expect(expandHosts('10.0.0.7')).toEqual({ ok: true, addresses: ['10.0.0.7'] });
    expect(expandHosts('  10.0.0.7 ')).toEqual({ ok: true, addresses: ['10.0.0.7'] });
  });

  it('expands a /24 to its 254 hosts, whatever host part the spec had', () => {
    const r = expandHosts('192.168.3.77/24');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.addresses).toHaveLength(254);
    expect(r.addresses[0]).toBe('192.168.3.1');
    expect(r.addresses.at(-1)).toBe('192.168.3.254');
  });

  it('expands a /22 (the largest allowed) to 1022 hosts', () => {
    const r = expandHosts('10.1.4.0/22');
    expect(r.ok && r.addresses.length).toBe(1022);
    expect(r.ok && r.addresses.at(-1)).toBe('10.1.7.254');
  });

  it('expands /30 to two hosts and /31, /32 to the address itself', () => {
    expect(expandHosts('10.0.0.4/30')).toEqual({ ok: true, addresses: ['10.0.0.5', '10.0.0.6'] });
    expect(expandHosts('10.0.0.4/31')).toEqual({ ok: true, addresses: ['10.0.0.4'] });
    expect(expandHosts('10.0.0.4/32')).toEqual({ ok: true, addresses: ['10.0.0.4'] });
  });

  it.each([
    ['10.0.0.0/21', /larger than \/22/],
    ['10.0.0.0/8', /larger than \/22/],
    ['10.0.0.0/0', /larger than \/22/],
    ['10.0.0.0/33', /above \/32/],
    ['10.0.0.0/99', /above \/32/],
    ['host.example', /not an IPv4/],
    ['10.0.0.256', /not an IPv4/],
    ['10.0.0.0/', /not an IPv4/],
    ['', /not an IPv4/],
  ])('refuses %j with a reason', (spec, reason) => {
    const r = expandHosts(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
