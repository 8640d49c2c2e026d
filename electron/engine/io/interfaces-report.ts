import type { InterfaceInfo, InterfacesReport } from '../../../shared/model';
import { cidr, inSubnet, prefixLength } from '../../../shared/protocol';
import { linkMtu } from './system-probes';
import { listIpv4Interfaces, type Ipv4Interface } from './network-interfaces';

/**
 * What the machine's IPv4 interfaces look like to Pigeon: addresses, masks, subnets, MTU, and
 * which ones Pigeon announces on and listens on.
 */

export function describeInterface(
  i: Ipv4Interface,
  ctx: { bind: string; broadcastTargets: string[] },
  mtu: (name: string) => number | null = linkMtu,
): InterfaceInfo {
  const prefix = prefixLength(i.netmask);
  const limited = ctx.broadcastTargets.includes('255.255.255.255');
  return {
    name: i.name,
    address: i.address,
    netmask: i.netmask,
    prefix,
    broadcast: i.broadcast,
    subnet: cidr(i.address, prefix),
    internal: i.internal,
    mtu: mtu(i.name),
    announced:
      ctx.broadcastTargets.includes(i.broadcast) ||
      (limited && !i.internal) ||
      ctx.broadcastTargets.some((t) => t !== i.address && inSubnet(t, i.address, prefix)),
    listening: ctx.bind === '0.0.0.0' || ctx.bind === i.address,
  };
}

export function interfacesReport(
  ctx: {
    bind: string;
    port: number;
    broadcastTargets: string[];
    unicastHosts: string[];
    now: number;
  },
  list: Ipv4Interface[] = listIpv4Interfaces(),
  mtu: (name: string) => number | null = linkMtu,
): InterfacesReport {
  return {
    at: ctx.now,
    bind: ctx.bind,
    port: ctx.port,
    broadcastTargets: [...ctx.broadcastTargets],
    unicastHosts: [...ctx.unicastHosts],
    interfaces: list.map((i) => describeInterface(i, ctx, mtu)),
  };
}

/** Addresses as a comparable signature ("eth0 192.168.1.5/24 ..."), for change detection. */
export function interfacesSignature(list: Ipv4Interface[]): string[] {
  return list.map((i) => `${i.name} ${i.address}/${prefixLength(i.netmask)}`).sort();
}
