/**
 * IPv4 addresses and subnets as plain arithmetic: parsing, masks, CIDR, membership and directed
 * broadcasts. Pure (no sockets, no OS), so the engine, the CLI and the renderer's demo all use
 * the same maths; asking the OS for its interfaces stays in electron/engine/network-interfaces.
 */

/** An IPv4 address of one of this machine's interfaces, as the OS reports it. */
export interface Ipv4Interface {
  name: string;
  address: string;
  netmask: string;
  broadcast: string;
  internal: boolean;
}

export function ipv4ToInt(ip: string): number | undefined {
  // Hand-parsed: this runs for every message sent to an address (no regex, no arrays).
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zeros: inet_pton refuses them and getaddrinfo would read "010" as octal.
      if (digits > 0 && part === 0) return undefined;
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 0x30);
      if (part > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + part;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export function isIpv4(ip: string): boolean {
  return ipv4ToInt(ip) !== undefined;
}

export function directedBroadcast(address: string, netmask: string): string | undefined {
  const a = ipv4ToInt(address);
  const m = ipv4ToInt(netmask);
  if (a === undefined || m === undefined) return undefined;
  return intToIpv4((a | ~m) >>> 0);
}

export function prefixLength(netmask: string): number {
  const m = ipv4ToInt(netmask);
  if (m === undefined) return 0;
  let n = 0;
  for (let bit = 31; bit >= 0 && (m >>> bit) & 1; bit--) n++;
  return n;
}

export function maskOf(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
}

/** "192.168.1.0/24" for an address and a prefix length. */
export function cidr(address: string, prefix: number): string {
  const a = ipv4ToInt(address) ?? 0;
  return `${intToIpv4((a & maskOf(prefix)) >>> 0)}/${prefix}`;
}

export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = ipv4ToInt(address);
  const n = ipv4ToInt(network);
  if (a === undefined || n === undefined) return false;
  const mask = maskOf(prefix);
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

/** Does an "a.b.c.d" or "a.b.c.d/nn" unicast-hosts entry cover this address? */
export function coveredBy(address: string, spec: string): boolean {
  const m = /^\s*([0-9.]+)(?:\/(\d{1,2}))?\s*$/.exec(spec);
  if (!m) return false;
  return inSubnet(address, m[1] ?? '', m[2] === undefined ? 32 : Number(m[2]));
}
