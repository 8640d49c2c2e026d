import dgram from 'node:dgram';
import fs from 'node:fs';
import { describeInterface } from '../../../shared/diagnostics/interface-info';
import type { InterfacesReport } from '../../../shared/model';
import { inSubnet, prefixLength, type Ipv4Interface } from '../../../shared/net/ipv4';
import { listIpv4Interfaces } from '../network-interfaces';

/**
 * What the machine's IPv4 interfaces look like to Pigeon: addresses, masks, subnets, MTU, and
 * which ones Pigeon announces on and listens on. Plus the small kernel questions the doctor asks
 * without sending anything: which source address (and so which interface) a packet to X would
 * leave from, and whether X answered ARP.
 */

/** Link MTU from Linux's /sys; null elsewhere (node:os does not report it). */
export function linkMtu(name: string): number | null {
  if (!/^[\w.:@-]{1,32}$/.test(name)) return null;
  try {
    const n = Number(fs.readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
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

export interface RouteInfo {
  sourceAddress: string | null;
  interface: string | null;
  error?: string;
}

/**
 * Which local address the kernel would send from to reach `address` (a connected UDP socket
 * asks the routing table; nothing is sent), and so which interface.
 */
export function routeTo(
  address: string,
  port = 9,
  list: () => Ipv4Interface[] = listIpv4Interfaces,
  bind = '0.0.0.0',
): Promise<RouteInfo> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    // Bound like Pigeon's own socket, the answer is the address Pigeon's packets carry.
    if (bind !== '0.0.0.0') socket.bind(0, bind);
    const done = (r: RouteInfo) => {
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      resolve(r);
    };
    socket.once('error', (err) =>
      done({ sourceAddress: null, interface: null, error: err.message }),
    );
    socket.connect(port, address, () => {
      try {
        const source = socket.address().address;
        const all = list();
        const iface =
          all.find((i) => i.address === source) ??
          all.find((i) => inSubnet(source, i.address, prefixLength(i.netmask)));
        done({ sourceAddress: source, interface: iface?.name ?? null });
      } catch (err) {
        done({ sourceAddress: null, interface: null, error: String(err) });
      }
    });
  });
}

/** Linux's ARP table: did `address` answer at the link level? */
export function linkLayerPresence(
  address: string,
  read: () => string = () => fs.readFileSync('/proc/net/arp', 'utf8'),
): 'present' | 'absent' | 'unknown' {
  let text: string;
  try {
    text = read();
  } catch {
    return 'unknown';
  }
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== address) continue;
    // Flags 0x2 = ATF_COM (complete); a MAC of zeros is an unanswered request.
    const flags = Number.parseInt(cols[2] ?? '0', 16);
    return flags & 0x2 && cols[3] !== '00:00:00:00:00:00' ? 'present' : 'absent';
  }
  return 'unknown';
}

/** Addresses as a comparable signature ("eth0 192.168.1.5/24 ..."), for change detection. */
export function interfacesSignature(list: Ipv4Interface[]): string[] {
  return list.map((i) => `${i.name} ${i.address}/${prefixLength(i.netmask)}`).sort();
}
