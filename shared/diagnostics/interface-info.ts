import type { InterfaceInfo } from '../model';
import { cidr, inSubnet, prefixLength, type Ipv4Interface } from '../protocol/address';

/**
 * One interface as Pigeon sees it: its subnet, and whether Pigeon announces on it (a broadcast
 * target reaches it) and listens on it (the bind address covers it). The MTU comes from the
 * caller, because only the OS knows it (the engine reads Linux's /sys).
 */
export function describeInterface(
  i: Ipv4Interface,
  ctx: { bind: string; broadcastTargets: string[] },
  mtu: (name: string) => number | null,
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
