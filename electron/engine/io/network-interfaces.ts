import os from 'node:os';
import { directedBroadcast, type Ipv4Interface } from '../../../shared/protocol';

export type { Ipv4Interface };

export function listIpv4Interfaces(): Ipv4Interface[] {
  const out: Ipv4Interface[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4') continue;
      const broadcast = directedBroadcast(a.address, a.netmask);
      if (!broadcast) continue;
      out.push({ name, address: a.address, netmask: a.netmask, broadcast, internal: a.internal });
    }
  }
  return out;
}

/** IPMsg's defaults: the limited broadcast plus every non-loopback interface's directed one. */
export function defaultBroadcastTargets(interfaces = listIpv4Interfaces()): string[] {
  const targets = new Set<string>(['255.255.255.255']);
  for (const i of interfaces) {
    if (!i.internal && i.netmask !== '255.255.255.255') targets.add(i.broadcast);
  }
  return [...targets];
}
