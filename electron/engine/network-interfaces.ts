import os from 'node:os';
import { directedBroadcast, intToIpv4, ipv4ToInt, type Ipv4Interface } from '../../shared/net/ipv4';

// engine.ts takes isIpv4 from here; it is being split into capability folders, so its imports
// stay put until then. New code imports shared/net/ipv4 directly.
export { isIpv4 } from '../../shared/net/ipv4';

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

/**
 * Expand "host" or "a.b.c.d/nn" into addresses. Subnets up to /22 (1022 hosts): a bigger sweep
 * would flood the network with unicast entries, so it is refused with a reason.
 */
export function expandHosts(
  spec: string,
): { ok: true; addresses: string[] } | { ok: false; reason: string } {
  const m = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(spec.trim());
  const base = m ? ipv4ToInt(m[1] ?? '') : undefined;
  if (!m || base === undefined)
    return { ok: false, reason: `${JSON.stringify(spec)} is not an IPv4 address or subnet` };
  if (m[2] === undefined) return { ok: true, addresses: [intToIpv4(base)] };
  const bits = Number(m[2]);
  if (bits > 32) return { ok: false, reason: `${spec}: prefix /${bits} is above /32` };
  if (bits < 22)
    return { ok: false, reason: `${spec}: subnets larger than /22 are not swept (too many hosts)` };
  if (bits >= 31) return { ok: true, addresses: [intToIpv4(base)] };
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  const net = (base & mask) >>> 0;
  const size = 2 ** (32 - bits);
  const addresses: string[] = [];
  for (let i = 1; i < size - 1; i++) addresses.push(intToIpv4(net + i));
  return { ok: true, addresses };
}
