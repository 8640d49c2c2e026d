import { describe, expect, it } from 'vitest';
import { directedBroadcast, isIpv4 } from '../../../shared/protocol';
import {
  defaultBroadcastTargets,
  listIpv4Interfaces,
  type Ipv4Interface,
} from './network-interfaces';

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
