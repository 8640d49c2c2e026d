import os from 'node:os';

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
