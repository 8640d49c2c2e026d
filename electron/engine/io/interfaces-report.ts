import { describeInterface } from '../../../shared/diagnostics/interface-info';
import type { InterfacesReport } from '../../../shared/model';
import { prefixLength } from '../../../shared/protocol';
import { linkMtu } from './system-probes';
import { listIpv4Interfaces, type Ipv4Interface } from './network-interfaces';

/**
 * What the machine's IPv4 interfaces look like to Pigeon: addresses, masks, subnets, MTU, and
 * which ones Pigeon announces on and listens on.
 */

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
