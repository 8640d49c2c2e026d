import { describe, expect, it } from 'vitest';
import {
  cidr,
  coveredBy,
  directedBroadcast,
  inSubnet,
  intToIpv4,
  ipv4ToInt,
  isIpv4,
  prefixLength,
} from './ipv4';

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
