import { describe, expect, it } from 'vitest';
import {
  cidr,
  coveredBy,
  directedBroadcast,
  expandHosts,
  inSubnet,
  intToIpv4,
  ipv4ToInt,
  isIpv4,
  prefixLength,
} from './address';

describe('IPv4 helpers', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.0.0.1', 0x0a000001],
    ['10.0.100.1', 0x0a006401],
    ['192.168.1.200', 0xc0a801c8],
  ])('%s <-> %i', (ip, n) => {
    expect(ipv4ToInt(ip)).toBe(n);
    expect(intToIpv4(n)).toBe(ip);
  });

  it.each([
    ['256.0.0.1'],
    ['1.2.3'],
    ['1.2.3.4.5'],
    [''],
    ['a.b.c.d'],
    [' 1.2.3.4'],
    ['1.2.3.4/24'],
    ['1234.1.1.1'],
    ['::1'],
    // getaddrinfo would read these as octal (010 = 8); inet_pton and net.isIPv4 refuse them.
    ['010.0.0.1'],
    ['10.0.0.01'],
    ['00.0.0.0'],
  ])('rejects %j', (ip) => {
    expect(ipv4ToInt(ip)).toBeUndefined();
    expect(isIpv4(ip)).toBe(false);
  });

  it('computes directed broadcasts', () => {
    expect(directedBroadcast('192.168.1.10', '255.255.255.0')).toBe('192.168.1.255');
    expect(directedBroadcast('10.1.2.3', '255.0.0.0')).toBe('10.255.255.255');
    expect(directedBroadcast('172.16.5.4', '255.255.252.0')).toBe('172.16.7.255');
    expect(directedBroadcast('10.0.0.1', '255.255.255.255')).toBe('10.0.0.1');
    expect(directedBroadcast('x', '255.0.0.0')).toBeUndefined();
  });
});

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
